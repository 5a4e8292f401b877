package python

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// files is a tree of file names, as layout.FS; it has no package.json.
type files map[string]bool

func (f files) Exists(rel string) bool            { return f[rel] }
func (f files) PackageType(string) (string, bool) { return "", false }

func TestPlaceFollowsThePackages(t *testing.T) {
	tree := files{"pkg/__init__.py": true, "pkg/sub/__init__.py": true, "lib/__init__.py": true}
	var in []*source.File
	for _, p := range []string{"script.py", "tools/run.py", "pkg/mod.py", "pkg/__init__.py", "pkg/sub/deep.py", "lib/x.py"} {
		in = append(in, &source.File{Path: p, Lang: source.Python})
	}
	got := place("RT")(tree, in, nil)
	want := map[string]layout.Placement{
		"script.py":       at("_telemetry_utils.py", "_telemetry_utils", "RT"),
		"tools/run.py":    at("tools/_telemetry_utils.py", "_telemetry_utils", "RT"),
		"pkg/mod.py":      at("pkg/_telemetry_utils.py", "._telemetry_utils", "RT"),
		"pkg/__init__.py": at("pkg/_telemetry_utils.py", "._telemetry_utils", "RT"),
		"pkg/sub/deep.py": at("pkg/_telemetry_utils.py", ".._telemetry_utils", "RT"),
		"lib/x.py":        at("lib/_telemetry_utils.py", "._telemetry_utils", "RT"),
	}
	for file, w := range want {
		if g := got[file]; g != w {
			t.Errorf("%s: got %+v, want %+v", file, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d placements, want %d", len(got), len(want))
	}
}

// at is the placement of a runtime file at rt, imported by spec.
func at(rt, spec, content string) layout.Placement {
	return layout.Placement{RuntimePath: rt, Spec: spec, Content: content}
}

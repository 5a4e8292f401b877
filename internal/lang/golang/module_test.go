package golang

import (
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestPlacement places the runtime of files in a tree holding a module
// with a nested module: the shared package at the root of the module that
// holds each file, when its go.mod is in the scanned tree; otherwise a
// file in the package's folder.
func TestPlacement(t *testing.T) {
	top := t.TempDir()
	writeFile(t, filepath.Join(top, "go.mod"), []byte("module example.com/top // the top\n\ngo 1.22\n"))
	writeFile(t, filepath.Join(top, "svc", "go.mod"), []byte("module \"example.com/svc\"\n"))
	writeFile(t, filepath.Join(top, "loose", "go.mod"), []byte("// no module directive\n"))
	l := newLang(t)
	src := []byte("package p\n")
	for _, c := range []struct {
		root, path    string
		runtime, spec string
	}{
		{top, "a/b/p.go", "_telemetry_utils/zz_telemetry_utils.go", "example.com/top/_telemetry_utils"},
		{top, "p.go", "_telemetry_utils/zz_telemetry_utils.go", "example.com/top/_telemetry_utils"},
		{top, "svc/x/p.go", "svc/_telemetry_utils/zz_telemetry_utils.go", "example.com/svc/_telemetry_utils"},
		// The module's root above the scanned folder: a copy per package.
		{filepath.Join(top, "a"), "b/p.go", "b/zz_telemetry_utils.go", "p"},
		// A go.mod without a module directive: a copy per package.
		{top, "loose/p.go", "loose/zz_telemetry_utils.go", "p"},
		// No file on disk known: a copy per package.
		{"", "a/p.go", "a/zz_telemetry_utils.go", "p"},
	} {
		f := &source.File{Path: c.path, Src: src, Lang: source.Go}
		if c.root != "" {
			f.Abs = filepath.Join(c.root, filepath.FromSlash(c.path))
		}
		p := l.Place(nil, []*source.File{f}, nil)[c.path]
		if p.RuntimePath != c.runtime || p.Spec != c.spec {
			t.Errorf("%s under %s: runtime %s imported as %q, want %s as %q", c.path, c.root, p.RuntimePath, p.Spec, c.runtime, c.spec)
		}
		if imp := l.Import(f, p.Spec); (imp.New != "") != (c.spec != "p") {
			t.Errorf("%s under %s: import %q", c.path, c.root, imp.New)
		}
	}
}

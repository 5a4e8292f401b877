package javascript

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// packages is a tree's package.json files, as layout.FS: folder ->
// "type".
type packages map[string]string

func (packages) Exists(string) bool { return false }

func (p packages) PackageType(dir string) (string, bool) {
	t, ok := p[dir]
	return t, ok
}

func TestPlaceFollowsModuleSystemsAndPackages(t *testing.T) {
	tree := packages{"web": "module", "api": "", "tsproj": "commonjs"}
	js := []*source.File{
		{Path: "web/src/app.js", Lang: source.JavaScript, Module: source.ModuleESM},
		{Path: "web/legacy.cjs", Lang: source.JavaScript, Module: source.ModuleCommonJS},
		{Path: "api/index.js", Lang: source.JavaScript, Module: source.ModuleCommonJS},
		{Path: "api/lib/tool.mjs", Lang: source.JavaScript, Module: source.ModuleESM},
		{Path: "loose.js", Lang: source.JavaScript, Module: source.ModuleCommonJS},
	}
	ts := []*source.File{
		{Path: "tsproj/src/a.ts", Lang: source.TypeScript},
		{Path: "tsproj/src/util/b.ts", Lang: source.TypeScript},
	}
	module := func(f *source.File) source.Module { return f.Module }
	got := placeJavaScript("CJS", "ESM")(tree, js, module)
	for p, pl := range placeTypeScript("TS")(tree, ts, module) {
		got[p] = pl
	}
	want := map[string]layout.Placement{
		"web/src/app.js":       at("web/_telemetry_utils.js", "../_telemetry_utils.js", "ESM"),
		"web/legacy.cjs":       at("web/_telemetry_utils.cjs", "./_telemetry_utils.cjs", "CJS"),
		"api/index.js":         at("api/_telemetry_utils.js", "./_telemetry_utils.js", "CJS"),
		"api/lib/tool.mjs":     at("api/_telemetry_utils.mjs", "../_telemetry_utils.mjs", "ESM"),
		"loose.js":             at("_telemetry_utils.js", "./_telemetry_utils.js", "CJS"),
		"tsproj/src/a.ts":      at("tsproj/src/_telemetry_utils.ts", "./_telemetry_utils.js", "TS"),
		"tsproj/src/util/b.ts": at("tsproj/src/_telemetry_utils.ts", "../_telemetry_utils.js", "TS"),
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

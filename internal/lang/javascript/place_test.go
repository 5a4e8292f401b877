package javascript

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
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
		"web/src/app.js":       langtest.At("web/_telemetry_utils.js", "../_telemetry_utils.js", "ESM"),
		"web/legacy.cjs":       langtest.At("web/_telemetry_utils.cjs", "./_telemetry_utils.cjs", "CJS"),
		"api/index.js":         langtest.At("api/_telemetry_utils.js", "./_telemetry_utils.js", "CJS"),
		"api/lib/tool.mjs":     langtest.At("api/_telemetry_utils.mjs", "../_telemetry_utils.mjs", "ESM"),
		"loose.js":             langtest.At("_telemetry_utils.js", "./_telemetry_utils.js", "CJS"),
		"tsproj/src/a.ts":      langtest.At("tsproj/src/_telemetry_utils.ts", "./_telemetry_utils.js", "TS"),
		"tsproj/src/util/b.ts": langtest.At("tsproj/src/_telemetry_utils.ts", "../_telemetry_utils.js", "TS"),
	}
	langtest.ComparePlacements(t, got, want)
}

package javascript

import (
	"os"
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

// configured is a tree that can read files, as the pipeline's disk is:
// package folders -> "type", and files -> content.
type configured struct {
	packages
	files map[string]string
}

func (c configured) ReadFile(rel string) ([]byte, error) {
	if s, ok := c.files[rel]; ok {
		return []byte(s), nil
	}
	return nil, os.ErrNotExist
}

// TestPlaceJavaScriptWithinTSCompiledSources: a package whose tsconfig.json
// has tsc compile its JavaScript gets the runtime among its sources (where
// rootDir keeps them), any other package at its root.
func TestPlaceJavaScriptWithinTSCompiledSources(t *testing.T) {
	tree := configured{
		packages: packages{"lib": "module", "app": "commonjs", "plain": ""},
		files: map[string]string{
			"lib/tsconfig.json": "{\n  // emitted with declarations\n  \"compilerOptions\": { \"allowJs\": true, \"rootDir\": \"src\", },\n}\n",
			"app/tsconfig.json": `{"compilerOptions": {"allowJs": false}}`,
		},
	}
	js := []*source.File{
		{Path: "lib/src/a.js", Module: source.ModuleESM},
		{Path: "lib/src/util/b.js", Module: source.ModuleESM},
		{Path: "lib/src/old.cjs", Module: source.ModuleCommonJS},
		{Path: "app/src/a.js", Module: source.ModuleCommonJS},
		{Path: "plain/src/a.js", Module: source.ModuleCommonJS},
	}
	got := placeJavaScript("CJS", "ESM")(tree, js, func(f *source.File) source.Module { return f.Module })
	want := map[string]layout.Placement{
		"lib/src/a.js":      langtest.At("lib/src/_telemetry_utils.js", "./_telemetry_utils.js", "ESM"),
		"lib/src/util/b.js": langtest.At("lib/src/_telemetry_utils.js", "../_telemetry_utils.js", "ESM"),
		"lib/src/old.cjs":   langtest.At("lib/src/_telemetry_utils.cjs", "./_telemetry_utils.cjs", "CJS"),
		"app/src/a.js":      langtest.At("app/_telemetry_utils.js", "../_telemetry_utils.js", "CJS"),
		"plain/src/a.js":    langtest.At("plain/_telemetry_utils.js", "../_telemetry_utils.js", "CJS"),
	}
	langtest.ComparePlacements(t, got, want)
}

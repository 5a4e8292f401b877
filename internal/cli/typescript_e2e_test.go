package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// TestTypeScriptProjectStillCompilesAndRuns instruments the TypeScript
// example (strict, module commonjs, rootDir src), compiles it with the real
// tsc and runs the output: the runtime must be a module among the sources
// for tsc to carry it into dist/.
func TestTypeScriptProjectStillCompilesAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("installs typescript from npm")
	}
	tsc := filepath.Join(npmtest.Install(t, "typescript@5.9.3"), "node_modules", "typescript", "bin", "tsc")
	compileAndRun := func(dir string) string {
		t.Helper()
		os.RemoveAll(filepath.Join(dir, "dist"))
		if out, err := exec.Command("node", tsc, "-p", dir).CombinedOutput(); err != nil {
			t.Fatalf("tsc: %v\n%s", err, out)
		}
		return runProgram(t, dir, nil, "node", "dist/main.js")
	}
	project := copyTree(t, "../../examples/shop-ts")
	want := compileAndRun(project)
	os.RemoveAll(filepath.Join(project, "dist"))

	code, _, stderr := runCLI(t, nil, project, "-v", "--density", "high")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "TypeScript output parsed only: no typescript package found") {
		t.Errorf("the summary does not say the project's TypeScript could not be type-checked:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(project, "src", "_telemetry_utils.ts")); err != nil {
		t.Fatalf("the runtime is not among the sources: %v\n%s", err, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "src", "stock.ts"))
	if !strings.Contains(string(b), `__ti.enter("shop-ts.src.stock.restock"`) {
		t.Fatalf("stock.ts carries no span:\n%s", b)
	}
	if got := compileAndRun(project); got != want {
		t.Fatalf("instrumented program printed\n%s\nwant\n%s", got, want)
	}
	spans := filepath.Join(t.TempDir(), "spans.jsonl")
	runProgram(t, project, []string{"TELEMETRY_INJECT_FILE=" + spans}, "node", "dist/main.js")
	if b, err := os.ReadFile(spans); err != nil || !strings.Contains(string(b), "shop-ts.src.stock.Ledger.record") {
		t.Fatalf("no span for Ledger.record (%v):\n%.1000s", err, b)
	}
}

package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGoldenTypeScriptTypeChecks runs the real TypeScript compiler (from
// the npm corpus) in strict mode over the instrumented TypeScript golden
// output: beyond parsing, the injected code must not break type checking
// (a super() call moved off the constructor's root, say, which tsc
// reports for targets that lower class fields, hence es2015).
func TestGoldenTypeScriptTypeChecks(t *testing.T) {
	node, tsc := realTSC(t, "type checking takes seconds")
	dir := t.TempDir()
	out, err := os.ReadFile("testdata/golden/types.ts.golden")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := os.ReadFile("testdata/runtime/_telemetry_utils.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "types.ts"), out)
	writeFile(t, filepath.Join(dir, "_telemetry_utils.d.ts"), rt)
	writeFile(t, filepath.Join(dir, "options.ts"), []byte("export type Options = { verbose?: boolean };\n"))
	cmd := exec.CommandContext(t.Context(), node, tsc, "--noEmit", "--strict", "--target", "es2015",
		"--module", "nodenext", "--moduleResolution", "nodenext", "types.ts")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc rejects the instrumented types.ts: %v\n%s", err, msg)
	}
}

// realTSC is node and the real tsc of the npm corpus, for a test that runs
// the TypeScript compiler; it skips in -short mode (giving slow as the
// reason) and where node is not on PATH.
func realTSC(t *testing.T, slow string) (node, tsc string) {
	t.Helper()
	if testing.Short() {
		t.Skip(slow)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	return node, filepath.Join(npmCorpus(t), "typescript", "bin", "tsc")
}

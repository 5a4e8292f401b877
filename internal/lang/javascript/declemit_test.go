package javascript

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestDeclarationsEmitTheSame instruments testdata/declemit (every
// construct) and has the real tsc emit declarations (declaration: true)
// for original and output: every .d.ts of the original's must come out
// byte for byte the same, as a package's published types would. The
// outputs are golden files.
func TestDeclarationsEmitTheSame(t *testing.T) {
	node, tsc := realTSC(t, "emitting declarations takes seconds")
	_, ts := languages(t, Options{})
	base, err := os.ReadFile("testdata/tsstrict/tsconfig.json")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.Replace(string(base), `"noEmit": true`,
		`"module": "nodenext", "moduleResolution": "nodenext", "declaration": true, "emitDeclarationOnly": true, "outDir": "out"`, 1)
	inputs, _ := filepath.Glob("testdata/declemit/*.ts")
	if len(inputs) == 0 {
		t.Fatal("no inputs in testdata/declemit")
	}
	orig, inst := t.TempDir(), t.TempDir()
	for _, dir := range []string{orig, inst} {
		writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`))
		writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(conf))
		writeFile(t, filepath.Join(dir, "_telemetry_utils.ts"), utilfiles.TypeScript())
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := instrument(ts, testFile(filepath.Base(in), src), testDecision)
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, in+".golden", out)
		writeFile(t, filepath.Join(orig, filepath.Base(in)), src)
		writeFile(t, filepath.Join(inst, filepath.Base(in)), out)
	}
	for _, dir := range []string{orig, inst} {
		cmd := exec.CommandContext(t.Context(), node, tsc, "-p", ".")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tsc rejects %s: %v\n%s", dir, err, msg)
		}
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".ts") + ".d.ts"
		want, err := os.ReadFile(filepath.Join(orig, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(inst, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the original's\n--- original\n%s\n--- instrumented\n%s", name, want, got)
		}
	}
}

package golang

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTypeCheck runs the real go list and the type checker on a module
// whose go.mod says go 1.11: instrumented output that compiles passes, and
// output that would not build (an unused variable, a feature newer than
// the module's language version) is rejected, naming the cause.
func TestTypeCheck(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain on PATH")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module tc\n\ngo 1.11\n"))
	orig := []byte("package tc\n\nimport \"strings\"\n\n// Up upper-cases s.\nfunc Up(s string) string {\n\treturn strings.ToUpper(s)\n}\n")
	writeFile(t, filepath.Join(dir, "tc.go"), orig)
	writeFile(t, filepath.Join(dir, "other.go"), []byte("package tc\n\nfunc other() int { return 1 }\n"))
	c := newChecker("")
	abs := filepath.Join(dir, "tc.go")
	good, _, err := instrument(newLang(t), testFile("tc.go", orig), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.check(bg, abs, good, runtimeFor(goModule{}, "tc"), ""); err != nil {
		t.Fatalf("instrumented output rejected: %v", err)
	}
	for bad, want := range map[string]string{
		"func Up(s string) string {\n\tx := 1\n\treturn strings.ToUpper(s)\n}\n":                 "declared and not used",
		"func Up(s string) string {\n\tvar v any = s\n\treturn strings.ToUpper(v.(string))\n}\n": "go1.18",
		"func Up(s string) string {\n\treturn _telemetry_utils_nope(s)\n}\n":                     "undefined",
	} {
		out := []byte("package tc\n\nimport \"strings\"\n\n" + bad)
		err := c.check(bg, abs, out, runtimeFor(goModule{}, "tc"), "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("output with %q: error %v, want one saying %q", bad, err, want)
		}
	}
}

// TestTypeCheckShared is TestTypeCheck for a file of a module's package
// that imports the shared runtime package, which is not written yet: the
// checker reads it from its source, so the output passes, and a call of a
// name the package does not export is rejected.
func TestTypeCheckShared(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain on PATH")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module example.com/tc\n\ngo 1.11\n"))
	orig := []byte("package tc\n\nimport \"strings\"\n\n// Up upper-cases s.\nfunc Up(s string) string {\n\tu := strings.ToUpper(s)\n\treturn u\n}\n")
	abs := filepath.Join(dir, "sub", "tc.go")
	writeFile(t, abs, orig)
	l := New(Options{})
	t.Cleanup(func() { _ = l.Close() })
	f := testFile("sub/tc.go", orig)
	f.Abs = abs
	good, _, err := instrument(l, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(good), `package tc/*@ti{*/; import _telemetry_utils "example.com/tc/_telemetry_utils"/*}@ti*/`) {
		t.Fatalf("the output does not import the shared package:\n%s", good)
	}
	if err := l.Validate(bg, f, good); err != nil {
		t.Fatalf("instrumented output rejected: %v", err)
	}
	bad := strings.Replace(string(good), "_telemetry_utils.Var(", "_telemetry_utils.Nope(", 1)
	if err := l.Validate(bg, f, []byte(bad)); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("output calling _telemetry_utils.Nope: error %v, want one naming it", err)
	}
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

// copyTree copies src into a fresh temporary folder and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	copyInto(t, src, dst)
	return dst
}

// writeTree writes files (slash-separated paths under root) with their
// folders.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot reads every file under root.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	return out
}

// runCLI runs the command line with an environment holding only env.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	getenv := func(k string) string { return env[k] }
	code = Main(context.Background(), args, ios, getenv)
	return code, out.String(), errOut.String()
}

// runProgram runs a command in dir and returns its combined output.
func runProgram(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not on PATH", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	// No bytecode caches: they would show up as new files in the project.
	cmd.Env = append(append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, dir, err, out)
	}
	return string(out)
}

func TestOfflineRunKeepsProgramsBehavingAndRemoveRestoresBytes(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	pyBefore := runProgram(t, project, nil, "python3", "-m", "pyshop")
	jsBefore := runProgram(t, project, nil, "node", "web/src/cart.js")

	// The highest density injects the most code: the strictest test of
	// programs behaving as before.
	code, _, stderr := runCLI(t, nil, project, "-v", "--density", "high")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	after := snapshot(t, project)
	for _, name := range []string{"pyshop/_telemetry_utils.py", "web/_telemetry_utils.js"} {
		if _, ok := after[name]; !ok {
			t.Errorf("runtime file %s was not written; files: %v", name, keys(after))
		}
	}
	if strings.Count(after["pyshop/inventory.py"], "@telemetry-inject") < 3 {
		t.Errorf("inventory.py carries little telemetry:\n%s", after["pyshop/inventory.py"])
	}
	if cart := after["web/src/cart.js"]; !strings.Contains(cart, "__ti.enter(") && !strings.Contains(cart, "__ti.run(") {
		t.Errorf("cart.js carries no span:\n%s", after["web/src/cart.js"])
	}

	// The instrumented programs print exactly what the originals printed,
	// with telemetry off and with telemetry written to a file.
	if got := runProgram(t, project, nil, "python3", "-m", "pyshop"); got != pyBefore {
		t.Errorf("python output changed:\n%s\nwant:\n%s", got, pyBefore)
	}
	if got := runProgram(t, project, nil, "node", "web/src/cart.js"); got != jsBefore {
		t.Errorf("node output changed:\n%s\nwant:\n%s", got, jsBefore)
	}
	spans := filepath.Join(t.TempDir(), "spans.jsonl")
	env := []string{"TELEMETRY_INJECT_FILE=" + spans}
	if got := runProgram(t, project, env, "python3", "-m", "pyshop"); got != pyBefore {
		t.Errorf("python output changed with telemetry on:\n%s", got)
	}
	if got := runProgram(t, project, env, "node", "web/src/cart.js"); got != jsBefore {
		t.Errorf("node output changed with telemetry on:\n%s", got)
	}
	if b, err := os.ReadFile(spans); err != nil || !bytes.Contains(b, []byte("pyshop.inventory.Inventory.reserve")) {
		t.Errorf("no span for Inventory.reserve in the telemetry file (%v):\n%.2000s", err, b)
	}

	// A second run changes nothing.
	code, _, stderr = runCLI(t, nil, project, "--density", "high")
	if code != ExitOK {
		t.Fatalf("second run exit %d:\n%s", code, stderr)
	}
	if again := snapshot(t, project); !equalMaps(again, after) {
		t.Fatalf("second run changed files")
	}

	// --remove gives back the original bytes, also after an unrelated edit.
	edited := after["pyshop/pricing.py"] + "\n# edited by the user\n"
	os.WriteFile(filepath.Join(project, "pyshop/pricing.py"), []byte(edited), 0o644)
	before["pyshop/pricing.py"] += "\n# edited by the user\n"
	code, _, stderr = runCLI(t, nil, project, "--remove")
	if code != ExitOK {
		t.Fatalf("remove exit %d:\n%s", code, stderr)
	}
	restored := snapshot(t, project)
	for name, body := range before {
		if restored[name] != body {
			t.Errorf("%s not restored exactly", name)
		}
	}
	for name := range restored {
		if _, ok := before[name]; !ok {
			t.Errorf("%s left behind by --remove", name)
		}
	}
}

func TestDryRunPrintsDiffAndWritesNothing(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	code, stdout, stderr := runCLI(t, nil, project, "--dry-run")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Fatal("--dry-run wrote files")
	}
	for _, want := range []string{"--- a/pyshop/pricing.py", "+++ b/pyshop/pricing.py", "with __ti_span__(", "+++ b/pyshop/_telemetry_utils.py"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff lacks %q", want)
		}
	}
}

func TestJSONReport(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	code, stdout, stderr := runCLI(t, nil, project, "--json", "--exclude", "variables")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var rep struct {
		Files      []struct{ Path, Status string }
		Constructs map[string]map[string]int
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json is not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Files) == 0 || rep.Constructs["function"]["builtin"] == 0 {
		t.Fatalf("report lacks files or functions: %s", stdout)
	}
	if n := rep.Constructs["variable"]["builtin"]; n != 0 {
		t.Fatalf("--exclude variables still instrumented %d variables", n)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{},
		{"a", "b"},
		{".", "--include", "classes"},
		{".", "--max-parallel", "-1"},
		{".", "--no-parallel", "--max-parallel", "4"},
		{".", "--bogus"},
		{".", "--density", "extreme"},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, nil, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, stderr)
		}
	}
	if code, _, stderr := runCLI(t, nil, filepath.Join(t.TempDir(), "missing")); code != ExitError || !strings.Contains(stderr, "does not exist") {
		t.Errorf("missing path: exit %d, %q", code, stderr)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestDryRunJSONCarriesTheDiff(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	code, stdout, stderr := runCLI(t, nil, project, "--dry-run", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var rep struct {
		DryRun bool   `json:"dry_run"`
		Diff   string `json:"diff"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%.500s", err, stdout)
	}
	if !rep.DryRun || !strings.Contains(rep.Diff, "+++ b/pyshop/pricing.py") {
		t.Fatalf("dry_run %v, diff %.300q", rep.DryRun, rep.Diff)
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Fatal("--dry-run --json wrote files")
	}
}

package utilfiles_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/cli"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

// TestCoverageTotalsUnchanged instruments testdata/coverage (a package
// whose tests reach 100% of its lines and branches) with the tool itself
// and measures both copies with the real coverage.py and pytest: a project
// that checks its coverage with a threshold (pytest-cov --cov-fail-under,
// coverage's fail_under, --cov-branch) must pass after instrumentation as
// before. The runtime file must count no statement and no branch, imported
// or not, and the injected lines must leave no line or branch unrun.
func TestCoverageTotalsUnchanged(t *testing.T) {
	py := coveragePython(t)
	orig := copyProject(t, "testdata/coverage")
	inst := copyProject(t, "testdata/coverage")
	ios, _, _, errOut := iostreams.Test()
	if code := cli.Main(t.Context(), []string{inst, "--density", "high"}, ios, func(string) string { return "" }); code != 0 {
		t.Fatalf("telemetry-inject exited %d:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(inst, "pkg", "_telemetry_utils.py")); err != nil {
		t.Fatalf("no runtime written: %v", err)
	}

	for _, mode := range []string{"line", "branch"} {
		t.Run(mode, func(t *testing.T) {
			before := measure(t, py, orig, mode == "branch", "-m", "pytest", "-q", "-p", "no:cacheprovider")
			after := measure(t, py, inst, mode == "branch", "-m", "pytest", "-q", "-p", "no:cacheprovider")
			if before.Totals.Percent != 100 || !before.passed {
				t.Fatalf("the original project is not at 100%% (%v%%): the test's sample is wrong\n%s", before.Totals.Percent, before.report)
			}
			if after.Totals.Percent != before.Totals.Percent || after.Totals.MissingLines != 0 || after.Totals.PartialBranches != 0 {
				t.Errorf("instrumented: %v%% with %d lines missed and %d partial branches, want %v%% and none\n%s",
					after.Totals.Percent, after.Totals.MissingLines, after.Totals.PartialBranches, before.Totals.Percent, after.report)
			}
			if !after.passed {
				t.Errorf("coverage report --fail-under=100 fails after instrumentation:\n%s", after.report)
			}
			runtimeCounts(t, after)
		})
	}

	// Imported by nothing, every module of pkg is reported unexecuted: the
	// runtime must still count nothing.
	idle := measure(t, py, inst, true, "noop.py")
	runtimeCounts(t, idle)
}

// coverageRun is what one coverage.py measurement reported.
type coverageRun struct {
	Totals struct {
		Percent         float64 `json:"percent_covered"`
		MissingLines    int     `json:"missing_lines"`
		PartialBranches int     `json:"num_partial_branches"`
	} `json:"totals"`
	Files map[string]struct {
		Summary struct {
			Statements int `json:"num_statements"`
			Branches   int `json:"num_branches"`
		} `json:"summary"`
	} `json:"files"`
	passed bool   // coverage report --fail-under=100 exited 0
	report string // its text, for failure messages
}

// runtimeCounts fails the test unless coverage.py listed the runtime with
// no statement and no branch.
func runtimeCounts(t *testing.T, r coverageRun) {
	t.Helper()
	f, ok := r.Files["pkg/_telemetry_utils.py"]
	if !ok {
		t.Fatalf("coverage.py did not list the runtime; the check would prove nothing\n%s", r.report)
	}
	if f.Summary.Statements != 0 || f.Summary.Branches != 0 {
		t.Errorf("the runtime counts %d statements and %d branches, want none\n%s", f.Summary.Statements, f.Summary.Branches, r.report)
	}
}

// measure runs args (a script, or -m and a module) under coverage.py,
// measuring the package pkg, and reads the totals back.
func measure(t *testing.T, py, dir string, branch bool, args ...string) coverageRun {
	t.Helper()
	runArgs := []string{"-m", "coverage", "run", "--source=pkg"}
	if branch {
		runArgs = append(runArgs, "--branch")
	}
	if out, err := python(t, py, dir, append(runArgs, args...)...); err != nil {
		t.Fatalf("coverage run %v in %s: %v\n%s", args, dir, err, out)
	}
	if out, err := python(t, py, dir, "-m", "coverage", "json", "-o", "coverage.json"); err != nil {
		t.Fatalf("coverage json: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "coverage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r coverageRun
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("coverage.json: %v", err)
	}
	out, err := python(t, py, dir, "-m", "coverage", "report", "-m", "--fail-under=100")
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("coverage report: %v", err)
	}
	r.passed, r.report = err == nil, out
	return r
}

// python runs the interpreter in dir, without the variables that would
// switch telemetry on or configure coverage.py from outside.
func python(t *testing.T, py, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), py, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "TELEMETRY_INJECT_") && !strings.HasPrefix(kv, "COVERAGE_") && !strings.HasPrefix(kv, "PYTHONPATH=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// coveragePython returns an interpreter that imports coverage.py and
// pytest: python3 on PATH or Debian's, whose packages are installed for it
// alone. Without one the test is skipped, saying what to install.
func coveragePython(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		out, err := exec.CommandContext(t.Context(), p, "-c", "import coverage, pytest").CombinedOutput()
		if err == nil {
			return p
		}
		tried = append(tried, p+": "+strings.TrimSpace(lastLine(string(out))))
	}
	t.Skipf("no python3 imports coverage.py and pytest (Debian: apt-get install python3-coverage python3-pytest); tried %s", strings.Join(tried, "; "))
	return ""
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// copyProject copies the folder src into a fresh temporary folder.
func copyProject(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The torture tests run the built binary as a user would, in real
// processes, over a generated tree of Python packages, with real python3
// importing the result.

// tool is the built binary and the environment it runs in (offline: no
// provider is configured, so the built-in planner decides).
type tool struct {
	bin string
	env []string
}

func buildTool(t *testing.T) tool {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and runs it a few dozen times")
	}
	for _, name := range []string{"go", "python3"} {
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s not on PATH", name)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "telemetry-inject")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return tool{bin: bin, env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}}
}

type result struct {
	code           int
	stdout, stderr string
}

func (tl tool) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	// The generated modules are small, and the default density leaves
	// small functions alone: the torture is about writing files, so every
	// construct is asked for and every file gets edits.
	cmd := exec.Command(tl.bin, append(args, "--density", "high")...)
	cmd.Env = tl.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	return cmd, &out, &errOut
}

func (tl tool) run(t *testing.T, args ...string) result {
	t.Helper()
	cmd, out, errOut := tl.command(args...)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

// mustRun runs the tool and fails the test on an unexpected exit code.
func (tl tool) mustRun(t *testing.T, want int, args ...string) result {
	t.Helper()
	r := tl.run(t, args...)
	if r.code != want {
		t.Fatalf("%v: exit %d, want %d\n%s", args, r.code, want, r.stderr)
	}
	return r
}

// report is the part of --json this file reads.
type report struct {
	ByStatus map[string]int `json:"files_by_status"`
	Files    []struct {
		Path, Status, Reason string
	} `json:"files"`
}

func parseReport(t *testing.T, r result) report {
	t.Helper()
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return rep
}

// tree is a generated project: pkgs packages of mods modules each, every
// module with functions, loops and variables.
type tree struct {
	root string
	orig map[string][]byte // module path -> original bytes
}

func genTree(t *testing.T, pkgs, mods int) tree {
	t.Helper()
	tr := tree{root: t.TempDir(), orig: map[string][]byte{}}
	for p := 0; p < pkgs; p++ {
		dir := filepath.Join(tr.root, fmt.Sprintf("pkg%d", p))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		tr.write(t, fmt.Sprintf("pkg%d/__init__.py", p), "")
		for m := 0; m < mods; m++ {
			var b strings.Builder
			fmt.Fprintf(&b, "\"\"\"Module %d of package %d.\"\"\"\n\n", m, p)
			for f := 0; f < 3; f++ {
				fmt.Fprintf(&b, "def f%d(x, y=%d):\n    total = 0\n    for i in range(x):\n        total += i * y\n    return total\n\n\n", f, m)
			}
			tr.write(t, fmt.Sprintf("pkg%d/mod%d.py", p, m), b.String())
		}
	}
	return tr
}

func (tr tree) write(t *testing.T, rel, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(tr.root, rel), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rel, "/mod") {
		tr.orig[rel] = []byte(body)
	}
}

func (tr tree) read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(tr.root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reference instruments a copy of the tree in one clean run: what every
// file must look like once instrumented, and how long a run takes.
func (tr tree) reference(t *testing.T, tl tool) (map[string][]byte, time.Duration) {
	t.Helper()
	cp := tree{root: t.TempDir(), orig: map[string][]byte{}}
	if err := os.CopyFS(cp.root, os.DirFS(tr.root)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	tl.mustRun(t, 0, cp.root)
	took := time.Since(start)
	ref := map[string][]byte{}
	for rel := range tr.orig {
		ref[rel] = cp.read(t, rel)
	}
	return ref, took
}

// census counts the modules that are original, instrumented as the
// reference says, and neither (torn: half written, or mixed).
func (tr tree) census(t *testing.T, ref map[string][]byte) (orig, inst, torn int) {
	t.Helper()
	for rel, want := range tr.orig {
		switch b := tr.read(t, rel); {
		case bytes.Equal(b, want):
			orig++
		case bytes.Equal(b, ref[rel]):
			inst++
		default:
			torn++
			t.Logf("torn: %s", rel)
		}
	}
	return orig, inst, torn
}

// importFailures imports every module with python3 and counts those that
// fail: an instrumented module whose runtime is missing raises
// ModuleNotFoundError.
func (tr tree) importFailures(t *testing.T) int {
	t.Helper()
	var mods []string
	for rel := range tr.orig {
		mods = append(mods, strings.ReplaceAll(strings.TrimSuffix(rel, ".py"), "/", "."))
	}
	script := `import importlib, sys
bad = 0
for m in sys.argv[1:]:
    try:
        importlib.import_module(m)
    except Exception as e:
        bad += 1
        print(m, repr(e), file=sys.stderr)
print(bad)
`
	cmd := exec.Command("python3", append([]string{"-B", "-c", script}, mods...)...)
	cmd.Dir = tr.root
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "PYTHONDONTWRITEBYTECODE=1"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var bad int
	fmt.Sscan(string(out), &bad)
	return bad
}

// tempFiles lists our temporary files anywhere in the tree, the state
// folder included.
func (tr tree) tempFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(tr.root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasPrefix(d.Name(), ".telemetry-inject-") || strings.Contains(p, "/.telemetry-inject/tmp/")) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// runtimes lists the runtime files in the tree.
func (tr tree) runtimes() []string {
	out, _ := filepath.Glob(filepath.Join(tr.root, "*", "_telemetry_utils.py"))
	return out
}

// waitOrKill waits for a started command, failing after a minute.
func waitOrKill(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the tool did not finish within a minute")
		return -1
	}
}

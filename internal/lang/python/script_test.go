package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// scriptSrc is a module that also runs as a script, as CPython's pydoc
// does, whose test runs it with python -I.
const scriptSrc = `"""A script."""
import sys


def total(items):
    s = 0
    for x in items:
        s += x
    return s


if __name__ == "__main__":
    print(total(int(a) for a in sys.argv[1:]))
    print("runtime" if "_telemetry_utils" in sys.modules else "no runtime")
`

// TestScriptImportBesideTheRuntime: the import that can do without the
// runtime is written for every module, with a __main__ guard or not: any
// of them may be run or loaded by path from outside sys.path (see
// TestFolderModuleLoadedByPath, TestPackageModuleRunsAsScript and
// TestPackageModuleLoadedByPath).
func TestScriptImportBesideTheRuntime(t *testing.T) {
	l := newTestLanguage(t, Options{})
	library := strings.Replace(scriptSrc, `if __name__ == "__main__":`, `if __name__ == "lib":`, 1)
	for _, tc := range []struct {
		name, path, src, spec string
		script                bool
	}{
		{"script beside the runtime", "tool.py", scriptSrc, "_telemetry_utils", true},
		{"script in a package", "pkg/tool.py", scriptSrc, "._telemetry_utils", true},
		{"package module without a guard", "pkg/lib.py", library, "._telemetry_utils", true},
		{"module without a guard", "lib.py", library, "_telemetry_utils", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := instrument(l, tc.path, []byte(tc.src), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(out), `.find_spec("_telemetry_utils", None)`); got != tc.script {
				t.Errorf("fallback import written = %v, want %v:\n%s", got, tc.script, out)
			}
			back, _, err := l.Strip(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != tc.src {
				t.Errorf("Strip does not give back the original:\n%s", diff(tc.src, string(back)))
			}
		})
	}
}

// TestScriptRunsIsolatedWithoutTheRuntime runs an instrumented script with
// the real python: run plainly it imports the runtime beside it; run with
// -I (and -P), whose sys.path leaves the script's folder out, it prints the
// same without telemetry; and a runtime that fails on an import of its own
// is an error, not a silent fallback.
func TestScriptRunsIsolatedWithoutTheRuntime(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "tool.py", []byte(scriptSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Validate(t.Context(), &source.File{Path: "tool.py", Src: []byte(scriptSrc)}, out); err != nil {
		t.Fatalf("instrumented script does not validate: %v", err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tool.py", out)
	write("_telemetry_utils.py", utilfiles.Python())
	// The parent folder is the working folder, so that python -I finds
	// the runtime neither through sys.path[0] nor through the current
	// folder.
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), py, append(args, filepath.Join(dir, "tool.py"), "1", "2", "3")...)
		cmd.Dir = filepath.Dir(dir)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "6\nruntime\n"},
		{[]string{"-I"}, "6\nno runtime\n"},
		{[]string{"-P"}, "6\nno runtime\n"},
	} {
		got, err := run(tc.flags...)
		if err != nil || got != tc.want {
			t.Errorf("python %v tool.py: %v\n%s\nwant\n%s", tc.flags, err, got, tc.want)
		}
	}
	write("_telemetry_utils.py", []byte("import _no_such_module_here\n"))
	got, err := run()
	if err == nil || !strings.Contains(got, "No module named '_no_such_module_here'") {
		t.Errorf("a runtime whose own import fails was taken for an absent one (err %v):\n%s", err, got)
	}
}

// TestStripScriptImportAfterBlack: black puts the import appended to the
// docstring's line on a line of its own and wraps it over several in
// parentheses; removal still takes the whole statement out. Skipped where black is not
// installed (CI installs it).
func TestStripScriptImportAfterBlack(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black is not on PATH")
	}
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "tool.py", []byte(scriptSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "tool.py")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.CommandContext(t.Context(), black, "-q", p).CombinedOutput(); err != nil {
		t.Fatalf("black: %v\n%s", err, b)
	}
	formatted, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(formatted), "\"\"\"A script.\"\"\"\n__ti_span__, ") || !strings.Contains(string(formatted), " = (\n    __import__(") {
		t.Fatalf("black did not split and wrap the import: the test shows nothing\n%s", formatted)
	}
	back, _, err := l.Strip(formatted)
	if err != nil {
		t.Fatalf("Strip after black: %v\n%s", err, formatted)
	}
	if string(back) != scriptSrc {
		t.Errorf("Strip after black does not give back the original:\n%s\nblack output:\n%s", diff(scriptSrc, string(back)), formatted)
	}
}

// footprintSrc is a script that prints the modules loaded between its first
// line, which the runtime import is appended to, and its end.
const footprintSrc = `import sys; before = set(sys.modules)


def total(items):
    s = 0
    for x in items:
        s += x
    return s


if __name__ == "__main__":
    print(total([1, 2]), sorted(set(sys.modules) - before))
`

// TestScriptImportAddsNoModuleWithoutTheRuntime runs, with the real python,
// a script whose runtime cannot be found (-I, -P, also without site): the
// one-line import and its stand-ins, a span entered included, load no
// module the original does not, and the import took no line of its own.
func TestScriptImportAddsNoModuleWithoutTheRuntime(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "tool.py", []byte(footprintSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.HasPrefix(first, "import sys; before = set(sys.modules); __ti_span__, ") {
		t.Fatalf("the import was not appended to the first line:\n%s", out)
	}
	dir := t.TempDir()
	writeProgram(t, dir, "tool.py", out)
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-I"}, "3 []\n"},
		{[]string{"-I", "-S"}, "3 []\n"},
		{[]string{"-P", "-S"}, "3 []\n"},
		{nil, "'_telemetry_utils'"},
	} {
		cmd := exec.CommandContext(t.Context(), py, append(tc.flags, filepath.Join(dir, "tool.py"))...)
		cmd.Dir = filepath.Dir(dir)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		b, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(b), tc.want) {
			t.Errorf("python %v tool.py: %v\n%s\nwant it to hold %q", tc.flags, err, b, tc.want)
		}
	}
}

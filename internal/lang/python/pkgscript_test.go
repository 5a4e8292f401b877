package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// toolSrc is a module of a package that is also run as a script.
const toolSrc = `import sys


def main(argv):
    n = len(argv)
    print("args", n)


if __name__ == "__main__":
    main(sys.argv)
`

// TestPackageModuleRunsAsScript: a module of a regular package with a
// __main__ guard, and a package's __main__.py, run by path (python
// pkg/tool.py, python pkg/sub) as well as with -m. The relative import a
// package's module gets raised "attempted relative import with no known
// parent package" run by path; each run must print what the original
// prints, with telemetry where the runtime can be found, and Strip must
// give back the original.
func TestPackageModuleRunsAsScript(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	dir := t.TempDir()
	files := map[string][]byte{
		"pkg/__init__.py": nil, "pkg/sub/__init__.py": nil,
		"pkg/" + runtimeFile: utilfiles.Python(),
	}
	for name, spec := range map[string]string{"pkg/tool.py": "._telemetry_utils", "pkg/sub/__main__.py": ".._telemetry_utils"} {
		out, _, err := instrument(l, name, []byte(toolSrc), spec)
		if err != nil {
			t.Fatal(err)
		}
		if back, _, err := l.Strip(out); err != nil || string(back) != toolSrc {
			t.Errorf("%s: Strip = %q (%v), want the original", name, back, err)
		}
		files[name] = out
	}
	writeTree(t, dir, files)
	for _, tc := range []struct {
		args      []string
		telemetry bool // the runtime is on sys.path or in the package
	}{
		{[]string{"pkg/tool.py"}, true},
		{[]string{"-m", "pkg.tool"}, true},
		{[]string{"-m", "pkg.sub"}, true},
		// pkg/sub is sys.path[0]: the runtime in pkg is not found.
		{[]string{"pkg/sub"}, false},
	} {
		spans := filepath.Join(t.TempDir(), "spans.jsonl")
		cmd := exec.CommandContext(t.Context(), py, append(tc.args, "a")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE="+spans)
		b, err := cmd.CombinedOutput()
		if err != nil || string(b) != "args 2\n" {
			t.Errorf("python %s: %v\n%s\n%s", strings.Join(tc.args, " "), err, b, files["pkg/tool.py"])
			continue
		}
		got, _ := os.ReadFile(spans)
		if recorded := strings.Contains(string(got), ".main"); recorded != tc.telemetry {
			t.Errorf("python %s: span recorded %v, want %v\n%s", strings.Join(tc.args, " "), recorded, tc.telemetry, got)
		}
	}
}

// helpersSrc is a module of a package with no relative import and no
// __main__ guard: the kind of module that code outside the package loads
// by path (a version file, a plugin, a test's helper).
const helpersSrc = `"""Helpers."""
import os


def compute(items):
    total = 0
    for it in items:
        total += it * 2
    return total + len(os.sep)
`

// loaderSrc loads pkg/sub/helpers.py each way a module is loaded without
// its package: where __package__ is unset or "", the relative import a
// package's module got raised "attempted relative import with no known
// parent package" (or KeyError '__name__' in exec's fresh globals).
const loaderSrc = `import importlib.util, runpy, sys
path = "pkg/sub/helpers.py"
how = sys.argv[1]
if how == "spec":
    spec = importlib.util.spec_from_file_location("helpers_by_path", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    compute = m.compute
elif how == "exec":
    ns = {}
    exec(compile(open(path).read(), path, "exec"), ns)
    compute = ns["compute"]
elif how == "runpy":
    compute = runpy.run_path(path)["compute"]
elif how == "speconly":
    # Imported as part of its package by an import system that sets the
    # spec but not __package__ (CPython's documented plan for 3.15).
    import pkg.sub
    spec = importlib.util.find_spec("pkg.sub.helpers")
    m = importlib.util.module_from_spec(spec)
    del m.__package__
    spec.loader.exec_module(m)
    compute = m.compute
elif how == "toplevel":
    sys.path.insert(0, "pkg/sub")
    import helpers
    compute = helpers.compute
else:
    import pkg.sub.helpers
    compute = pkg.sub.helpers.compute
print(how, compute([1, 2, 3]))
`

// TestPackageModuleLoadedByPath runs a package's module loaded by path,
// exec'd, run by runpy and imported top-level, as well as imported as part
// of its package, by an import system that sets __package__ and by one
// that sets only the spec: each must print what the original prints,
// with telemetry where it is imported as part of its package (the
// runtime in pkg is on no sys.path entry, so the other loads run with
// the stand-ins).
func TestPackageModuleLoadedByPath(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "pkg/sub/helpers.py", []byte(helpersSrc), ".._telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if back, _, err := l.Strip(out); err != nil || string(back) != helpersSrc {
		t.Fatalf("Strip = %q (%v), want the original", back, err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"pkg/__init__.py": nil, "pkg/sub/__init__.py": nil, "pkg/" + runtimeFile: utilfiles.Python(),
		"pkg/sub/helpers.py": out, "loader.py": []byte(loaderSrc),
	}
	writeTree(t, dir, files)
	for _, tc := range []struct {
		how       string
		telemetry bool
	}{{"spec", false}, {"exec", false}, {"runpy", false}, {"toplevel", false}, {"speconly", true}, {"package", true}} {
		spans := filepath.Join(t.TempDir(), "spans.jsonl")
		cmd := exec.CommandContext(t.Context(), py, "loader.py", tc.how)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE="+spans)
		b, err := cmd.CombinedOutput()
		if want := tc.how + " 13\n"; err != nil || string(b) != want {
			t.Errorf("loaded %s: %v\n%s\nwant %q\n%s", tc.how, err, b, want, out)
			continue
		}
		got, _ := os.ReadFile(spans)
		if recorded := strings.Contains(string(got), ".compute"); recorded != tc.telemetry {
			t.Errorf("loaded %s: span recorded %v, want %v\n%s", tc.how, recorded, tc.telemetry, got)
		}
	}
}

// TestStripPreviousScriptLine: the script line the previous version wrote,
// whose condition read __package__ alone, is still taken out at every
// depth, so --remove restores a tree that version instrumented.
func TestStripPreviousScriptLine(t *testing.T) {
	l := newTestLanguage(t, Options{})
	for level, spec := range []string{"_telemetry_utils", "._telemetry_utils", ".._telemetry_utils"} {
		if level == 0 {
			continue
		}
		out, _, err := instrument(l, strings.Repeat("pkg/", level)+"helpers.py", []byte(helpersSrc), spec)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), current.scriptLineAt(level)) {
			t.Fatalf("level %d: the script line is not in:\n%s", level, out)
		}
		old := strings.Replace(string(out), current.scriptLineAt(level), current.oldScriptLineAt(level), 1)
		if back, _, err := l.Strip([]byte(old)); err != nil || string(back) != helpersSrc {
			t.Errorf("level %d: Strip of the previous script line = %q (%v), want the original", level, back, err)
		}
	}
}

// writeTree writes files (slash-separated paths under dir) with their
// folders.
func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuardlessScriptsRunIsolated runs, with the real python -I and -P,
// scripts beside the runtime that have no `if __name__ == "__main__":`
// guard written the usual way: a shebang, the guard the other way round,
// plain top-level code, and a module whose first line shadows the
// builtin any the lookup calls. Each must print what the original
// prints; before they were taken for library modules and their import
// raised ModuleNotFoundError under -I.
func TestGuardlessScriptsRunIsolated(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	body := "def total(items):\n    s = 0\n    for x in items:\n        s += x\n    return s\n\n\n"
	for name, src := range map[string]string{
		"shebang":        "#!/usr/bin/env python3\nimport sys\n\n\n" + body + "total([1])\nprint(6)\n",
		"reversed guard": "import sys\n\n\n" + body + "if '__main__' == __name__:\n    print(total([1, 2, 3]))\n",
		"top-level call": "x = 1  # comment\n\n\n" + body + "print(total([1, 2, 3]))\n",
		// The import is appended to this line, after the builtin any is
		// shadowed, as `from numpy import *` does.
		"any shadowed": "any = lambda *a: True\n\n\n" + body + "print(total([1, 2, 3]))\n",
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := instrument(l, "tool.py", []byte(src), "_telemetry_utils")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "__ti_span__(") {
				t.Fatalf("nothing instrumented: the test shows nothing\n%s", out)
			}
			dir := t.TempDir()
			writeProgram(t, dir, "tool.py", out)
			for _, flag := range []string{"-I", "-P"} {
				cmd := exec.CommandContext(t.Context(), py, flag, filepath.Join(dir, "tool.py"))
				cmd.Dir = filepath.Dir(dir)
				cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
				b, err := cmd.CombinedOutput()
				if err != nil || string(b) != "6\n" {
					t.Errorf("python %s tool.py: %v\n%s\ninstrumented:\n%s", flag, err, b, out)
				}
			}
			back, _, err := l.Strip(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != src {
				t.Errorf("Strip does not give back the original:\n%s", diff(src, string(back)))
			}
		})
	}
}

// TestFolderModuleLoadedByPath loads a library module beside the runtime
// (no guard, no call at module level) the way plugin loaders and task
// runners do, from a folder that is not on sys.path: runpy.run_path,
// importlib's spec_from_file_location, and exec with globals of its own.
// The original loads; the absolute import raised ModuleNotFoundError.
func TestFolderModuleLoadedByPath(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "sub/lib.py", []byte(nsSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "__ti_span__(") {
		t.Fatalf("nothing instrumented: the test shows nothing\n%s", out)
	}
	root := t.TempDir()
	sub := filepath.Join(root, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeProgram(t, sub, "lib.py", out)
	for name, code := range map[string]string{
		"run_path":                "import runpy; print(runpy.run_path('sub/lib.py')['__version__'])",
		"spec_from_file_location": "import importlib.util as u; s = u.spec_from_file_location('lib', 'sub/lib.py'); m = u.module_from_spec(s); s.loader.exec_module(m); print(m.__version__)",
		"exec with own globals":   "ns = {}; exec(open('sub/lib.py').read(), ns); print(ns['__version__'])",
	} {
		cmd := exec.CommandContext(t.Context(), py, "-c", code)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		b, err := cmd.CombinedOutput()
		if err != nil || string(b) != "1.2\n" {
			t.Errorf("%s: %v\n%s", name, err, b)
		}
	}
}

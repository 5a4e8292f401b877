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
// guard as render's regexp writes it: a shebang, the guard the other way
// round, and plain top-level code. Each must print what the original
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

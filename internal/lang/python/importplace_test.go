package python

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// pdbLikeSrc starts as CPython's pdb.py does: a shebang, a docstring over
// several lines, a comment, imports, then the function test_pdb sets a
// breakpoint on and expects at its original line.
const pdbLikeSrc = `#! /usr/bin/env python3

"""
The Debugger
============
"""
# A comment.

import os
import sys


def find_function(funcname, filename):
    for line in open(filename):
        if funcname in line:
            return line
    return None


if __name__ == "__main__":
    print(find_function(sys.argv[1], os.devnull))
`

// TestImportTakesNoLine compiles the instrumented module with the real
// python and asks it where find_function starts: in each of the three
// import forms, the line the original has, as the import shares the
// docstring's closing line and nothing else is injected above it.
func TestImportTakesNoLine(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	firstLine := func(src []byte) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), py, "-c", "import sys\n"+
			"for c in compile(sys.stdin.read(), 'm.py', 'exec').co_consts:\n"+
			"    if getattr(c, 'co_name', '') == 'find_function': print(c.co_firstlineno)")
		cmd.Stdin = bytes.NewReader(src)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("python: %v\n%s\n%s", err, out, src)
		}
		return strings.TrimSpace(string(out))
	}
	want := firstLine([]byte(pdbLikeSrc))
	if want != "13" {
		t.Fatalf("find_function starts at line %q of the original, want 13", want)
	}
	for _, tc := range []struct{ path, spec, form string }{
		{"tool.py", "_telemetry_utils", ".find_spec("},
		{"m.py", "_telemetry_utils", ".find_spec("},
		{"pkg/m.py", "._telemetry_utils", `__import__("_telemetry_utils", globals(), None, ("__ti_all__",), 1)`},
	} {
		src := pdbLikeSrc
		if tc.path != "tool.py" {
			// Neither a guard nor a shebang: a module that never runs
			// as a script (the comment keeps every line where it was).
			src = strings.Replace(src, `if __name__ == "__main__":`, `if __name__ == "lib":`, 1)
			src = strings.Replace(src, "#! /usr/bin/env python3\n", "# A library.\n", 1)
		}
		out, _, err := instrument(l, tc.path, []byte(src), tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		closing, _, _ := strings.Cut(strings.SplitN(string(out), "\n", 7)[5], Marker)
		if !strings.HasPrefix(closing, `"""; `) || !strings.Contains(closing, tc.form) {
			t.Fatalf("%s: the import is not on the docstring's closing line:\n%s", tc.path, out)
		}
		if got := firstLine(out); got != want {
			t.Errorf("%s: find_function starts at line %s of the instrumented module, want %s:\n%s", tc.path, got, want, out)
		}
	}
}

package python

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// trimAritySrc is pyparsing's _trim_arity in small: it finds the line of
// the call to func as the line of an earlier statement plus LINE_DIFF, and
// retries with fewer arguments only for a TypeError raised on that line.
// A line injected in between made every parse action taking fewer than
// three arguments fail with "takes 1 positional argument but 3 were given".
const trimAritySrc = `import traceback

_call_line = None


def trim_arity(func, max_limit=3):
    global _call_line
    limit = 0
    found = False
    LINE_DIFF = 7
    _call_line = _call_line or traceback.extract_stack(limit=2)[-1]
    synth = (_call_line[0], _call_line[1] + LINE_DIFF)

    def wrapper(*args):
        nonlocal limit, found
        while True:
            try:
                ret = func(*args[limit:])
                found = True
                return ret
            except TypeError as te:
                if found:
                    raise
                here = traceback.extract_tb(te.__traceback__, limit=2)[-1][:2]
                if here == synth and limit < max_limit:
                    limit += 1
                    continue
                raise

    return wrapper


def action(t):
    n = int(t)
    return n * 2


print(trim_arity(action)("s", 0, "21"))
`

// TestLineReadersAreLeftAlone runs trimAritySrc instrumented with the real
// python: the functions that read line numbers are declined, the rest is
// instrumented, and the output is the original's.
func TestLineReadersAreLeftAlone(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, cs, err := instrument(l, "arity.py", []byte(trimAritySrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		reads := strings.HasPrefix(c.QualName, "arity.trim_arity") || strings.HasPrefix(c.Enclosing, "arity.trim_arity")
		if reads != strings.Contains(c.Skip, "line numbers") {
			t.Errorf("%s %s: skip %q", c.Kind, c.QualName, c.Skip)
		}
	}
	if !strings.Contains(string(out), `__ti_span__("arity.action"`) {
		t.Fatalf("action is not instrumented: the test shows nothing\n%s", out)
	}
	dir := t.TempDir()
	writeProgram(t, dir, "arity.py", out)
	cmd := exec.CommandContext(t.Context(), py, "arity.py")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	b, err := cmd.CombinedOutput()
	if err != nil || string(b) != "42\n" {
		t.Errorf("instrumented: %v\n%s\n%s", err, b, out)
	}
}

package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tracerSrc is bdb's runcall in small: it turns a tracer on, runs the
// function, and turns it off. Instrumented, the variable line after the
// call was a call into the runtime that the tracer now saw: CPython's
// test_bdb, against bdb.py at --density high, stepped into __ti_var__
// where it expected the debugged function's first line.
const tracerSrc = `import sys

calls = []


def tracer(frame, event, arg):
    if event == "call":
        calls.append(frame.f_code.co_name)


def runcall(func):
    sys.settrace(tracer)
    try:
        res = func()
        return res
    finally:
        sys.settrace(None)


def total(items):
    s = 0
    for x in items:
        s += x
    return s


print(runcall(lambda: 6), total([1, 2]), calls)
`

// TestTracerInstallersAreLeftAlone runs tracerSrc instrumented with the
// real python: runcall, which turns the tracer on, is declined, total is
// instrumented, and the tracer sees what it saw in the original.
func TestTracerInstallersAreLeftAlone(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, cs, err := instrument(l, "tr.py", []byte(tracerSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		installs := c.QualName == "tr.runcall" || c.Enclosing == "tr.runcall"
		if installs != strings.Contains(c.Skip, "tracer") {
			t.Errorf("%s %s: skip %q", c.Kind, c.QualName, c.Skip)
		}
	}
	if !strings.Contains(string(out), `__ti_span__("tr.total"`) {
		t.Fatalf("total is not instrumented: the test shows nothing\n%s", out)
	}
	dir := t.TempDir()
	writeProgram(t, dir, "tr.py", out)
	for _, env := range []string{"", "TELEMETRY_INJECT_FILE=" + filepath.Join(dir, "spans.jsonl")} {
		cmd := exec.CommandContext(t.Context(), py, "tr.py")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", env)
		b, err := cmd.CombinedOutput()
		if err != nil || string(b) != "6 3 ['<lambda>']\n" {
			t.Errorf("instrumented (%s): %v\n%s\n%s", env, err, b, out)
		}
	}
}

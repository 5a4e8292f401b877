package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tracedSrc raises from assignments, directly and from a callee in a
// loop body's first statement, and
// prints the text of every frame's line, as code that checks tracebacks
// against its source does (CPython's test_contextlib_async compares
// ExitStack's frames so).
const tracedSrc = `import traceback


def lookup(d, k):
    v = d[k]
    return v


def outer(d, keys):
    n = 0
    for k in keys:
        found = lookup(d, k)
        n = found
    return n


try:
    outer({}, ["missing"])
except KeyError as e:
    for f in traceback.extract_tb(e.__traceback__):
        print(f.name, "|", f.line)
`

// TestTracebackLinesReadAsTheSource: a variable record appended to a
// statement that can raise, and a loop's tick put in front of one, were
// part of the line a traceback shows ("v = d[k]; __ti_var__(...)  #
// @telemetry-inject", "__ti_tick__(...); found = lookup(d, k)"); the lines
// of the instrumented program's traceback must read as the original's.
func TestTracebackLinesReadAsTheSource(t *testing.T) {
	py := needPython(t)
	out, _, err := instrument(newTestLanguage(t, Options{}), "traced.py", []byte(tracedSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	// The literal assignment, which cannot raise, still takes its record
	// on its own line: no line moves for it.
	if !strings.Contains(string(out), `n = 0; __ti_var__(`) || !strings.Contains(string(out), `__ti_var__("traced.lookup.v"`) ||
		!strings.Contains(string(out), `__ti_tick__("traced.outer.loop0")`) {
		t.Fatalf("the variables are not recorded as expected: the test shows nothing\n%s", out)
	}
	run := func(src []byte) string {
		dir := t.TempDir()
		writeProgram(t, dir, "traced.py", src)
		cmd := exec.CommandContext(t.Context(), py, "traced.py")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE="+filepath.Join(dir, "spans.jsonl"))
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s\n%s", err, b, src)
		}
		return string(b)
	}
	if want, got := run([]byte(tracedSrc)), run(out); got != want {
		t.Errorf("traceback lines differ once instrumented:\n%s\nwant:\n%s\ninstrumented source:\n%s", got, want, out)
	}
}

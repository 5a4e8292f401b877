package python

import (
	"regexp"
	"strings"
	"testing"
)

// legacyName matches a runtime name as code instrumented before the
// dunder names has it.
var legacyName = regexp.MustCompile(`\b_ti_(span|loop|tick|var|val|mark|e)\b`)

// inBothGenerations returns src, written with the legacy names, and src
// with the current names: Strip must treat the two alike.
func inBothGenerations(src string) []string {
	return []string{src, legacyName.ReplaceAllString(src, "__ti_${1}__")}
}

func TestStripAfterUserEdits(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	instrumented := `from ._telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_val, _ti_mark  # @telemetry-inject
def f(a):
    """doc"""
    with _ti_span("m.f", "m.py", 1, ("a", a), True):  # @telemetry-inject
        x = a
        _ti_var("m.f.x", x, "m.py", 2)  # @telemetry-inject
        _ti_loop("m.f.loop0", "m.py", 3)  # @telemetry-inject
        for i in x: _ti_tick("m.f.loop0"); print(i)
        return x
`
	for _, instrumented := range inBothGenerations(instrumented) {
		// The user renamed the function and added a line since the run.
		edited := strings.Replace(instrumented, "def f(a):", "def g(a):\n    print('hi')", 1)
		want := "def g(a):\n    print('hi')\n    \"\"\"doc\"\"\"\n    x = a\n    for i in x: print(i)\n    return x\n"
		got, n, err := l.Strip([]byte(edited))
		if string(got) != want || n != 5 || err != nil {
			t.Errorf("Strip = %q (%d pieces, %v), want %q (5)", got, n, err, want)
		}
	}
}

func TestStripLeavesLookalikes(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	for _, src := range []string{
		"x = 1  # @telemetry-inject\n", // not one of our calls
		"from os import path  # @telemetry-inject\n",
		"s = '_ti_tick(\"a\"); '\n",
		"s = '''\n_ti_var(x)  # @telemetry-inject\n'''\n",
		"# _ti_tick(\"a\"); with _ti_span(\n",
		"with _ti_spam(1):  # @telemetry-inject\n    pass\n",
		"# @telemetry-inject\nx = '_ti_mark(1)'\n",
		"with __ti_spam__(1):  # @telemetry-inject\n    pass\n",
	} {
		for _, src := range inBothGenerations(src) {
			if got, n, err := l.Strip([]byte(src)); string(got) != src || n != 0 || err != nil {
				t.Errorf("Strip(%q) = %q, %d, %v; want it unchanged", src, got, n, err)
			}
		}
	}
}

// TestStripRefuses: runtime code that cannot be taken out exactly leaves
// the file as it is, with an error naming the line.
func TestStripRefuses(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	for _, tc := range []struct{ src, line string }{
		{"_ti_var(x)  # @telemetry-inject  more\n", "line 1"},
		{"_ti_tick(x); y\n", "line 1"},
		{"x = 1\ny = _ti_val('k', x, 'm.py', 1)\n", "line 2"},
		{"def f():\n    with _ti_span(\"f\", \"m.py\", 1, (), True):  # @telemetry-inject\n      return 1\n", "line 3"},
		{"x = 1\n# @telemetry-inject\n_ti_mark('k', 'm.py', 1)\n", "line 3"},
	} {
		for _, src := range inBothGenerations(tc.src) {
			got, n, err := l.Strip([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.line) || string(got) != src || n != 0 {
				t.Errorf("Strip(%q) = %q, %d, %v; want it unchanged and an error naming %s", src, got, n, err, tc.line)
			}
		}
	}
}

func TestStripEndWithoutNewline(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	for _, tc := range []struct{ in, want string }{
		{"x = 1\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject", "x = 1"},
		{"x = 1\r\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject", "x = 1"},
		{"x = 1\r\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject\r\n", "x = 1\r\n"},
	} {
		for _, in := range inBothGenerations(tc.in) {
			if got, _, err := l.Strip([]byte(in)); string(got) != tc.want {
				t.Errorf("Strip(%q) = %q (%v), want %q", in, got, err, tc.want)
			}
		}
	}
}

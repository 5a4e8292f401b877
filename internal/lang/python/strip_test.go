package python

import (
	"strings"
	"testing"
)

func TestStripAfterUserEdits(t *testing.T) {
	instrumented := `from ._telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_mark  # @telemetry-inject
@_ti_span("m.f", "m.py", 1, ("a",), True)  # @telemetry-inject
def f(a):
    x = a
    _ti_var("m.f.x", x, "m.py", 2)  # @telemetry-inject
    _ti_loop("m.f.loop0", "m.py", 3)  # @telemetry-inject
    for i in x: _ti_tick("m.f.loop0"); print(i)
    return x
`
	// The user renamed the function and added a line since the run.
	edited := strings.Replace(instrumented, "def f(a):", "def g(a):\n    print('hi')", 1)
	want := "def g(a):\n    print('hi')\n    x = a\n    for i in x: print(i)\n    return x\n"
	got, n, _ := Strip([]byte(edited))
	if string(got) != want || n != 5 {
		t.Errorf("Strip = %q (%d pieces), want %q (5)", got, n, want)
	}
}

func TestStripLeavesLookalikes(t *testing.T) {
	for _, src := range []string{
		"x = 1  # @telemetry-inject\n",            // not one of our calls
		"_ti_var(x)  # @telemetry-inject  more\n", // marker not at the end
		"from os import path  # @telemetry-inject\n",
		"_ti_tick(\"a\")\n",
		"_ti_tick(x); y\n",
	} {
		if got, n, _ := Strip([]byte(src)); string(got) != src || n != 0 {
			t.Errorf("Strip(%q) = %q, %d; want it unchanged", src, got, n)
		}
	}
}

func TestStripEndWithoutNewline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x = 1\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject", "x = 1"},
		{"x = 1\r\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject", "x = 1"},
		{"x = 1\r\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject\r\n", "x = 1\r\n"},
	} {
		if got, _, _ := Strip([]byte(tc.in)); string(got) != tc.want {
			t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

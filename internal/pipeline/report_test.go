package pipeline

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
)

// TestInjectedLinesCountsLinesThatCarryCode: a line added counts once per
// line break, code inserted into a line of the file counts that line once
// however many pieces it holds, and indentation alone counts nothing.
func TestInjectedLinesCountsLinesThatCarryCode(t *testing.T) {
	src := []byte("def f():\n    a = 1\n    return a\n")
	cases := []struct {
		name  string
		edits []inject.Edit
		want  int
	}{
		{"none", nil, 0},
		{"a whole line", []inject.Edit{{At: 9, New: "    x()\n"}}, 1},
		{"two pieces on one line", []inject.Edit{{At: 13, New: "/*a*/"}, {At: 18, New: "/*b*/"}}, 1},
		{"pieces on two lines", []inject.Edit{{At: 0, New: "/*a*/"}, {At: 18, New: "/*b*/"}}, 2},
		{"indentation only", []inject.Edit{{At: 9, New: "    "}, {At: 19, New: "    "}}, 0},
		{"a line and a piece", []inject.Edit{{At: 9, New: "    with s():\n"}, {At: 18, New: "; v(a)"}}, 2},
		{"four lines at once", []inject.Edit{{At: 0, New: "try:\n    x\nexcept:\n    y\n"}}, 4},
	}
	for _, c := range cases {
		if got := injectedLines(src, c.edits); got != c.want {
			t.Errorf("%s: %d lines carry injected code, want %d", c.name, got, c.want)
		}
	}
}

package lang

import (
	"strings"
	"testing"
)

func TestHeader(t *testing.T) {
	long := "fn(" + strings.Repeat("é", 1500) + ") {" // 3,006 bytes on one line, byte 2,048 inside an é
	for _, tc := range []struct {
		name, src, start, end, want string
	}{
		{"one line", "x\n  def f(a):\n    pass\n", "def", ":", "  def f(a):"},
		{"to the body's line", "func f(\n\ta int,\n) {\n}\n", "func", "{", "func f(\n\ta int,\n) {"},
		{"carriage returns", "def f(a,\r\n      b):\r\n  pass\r\n", "def", ":", "def f(a,\n      b):"},
		{"at most eight lines", "f(\n1\n2\n3\n4\n5\n6\n7\n8\n) {}\n", "f(", "{", "f(\n1\n2\n3\n4\n5\n6\n7"},
		{"a minified line cut on a rune", long, "fn(", "{", long[:2047]},
		{"the last line", "function f() {", "function", "{", "function f() {"},
	} {
		start := strings.Index(tc.src, tc.start)
		end := start + strings.Index(tc.src[start:], tc.end)
		if got := Header([]byte(tc.src), start, end); got != tc.want {
			t.Errorf("%s: Header = %q, want %q", tc.name, got, tc.want)
		}
	}
}

package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
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

// TestSerializedIsNamedAmongTheSkips: a construct whose source runs
// elsewhere is trimmed at every density, and the report names it with its
// reason, as it names the finder's skips.
func TestSerializedIsNamedAmongTheSkips(t *testing.T) {
	root, files := writeTree(t, map[string]string{"a.py": "def one\nx\ndef two #serialized\n"})
	rep, err := Run(context.Background(), options(root, files))
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if len(f.Skips) != 1 || f.Skips[0].Line != 3 || f.Skips[0].Reason != "runs elsewhere as text" {
		t.Fatalf("skips %+v", f.Skips)
	}
	if fn := f.Constructs[source.Function]; fn[OutcomeTrimmed] != 1 || fn[OutcomeBuiltin]+fn[OutcomeLLM] != 1 {
		t.Errorf("functions %v, want one trimmed and one instrumented", fn)
	}
	if got := read(t, root, "a.py"); strings.Contains(got, "span two") || !strings.Contains(got, "span one") {
		t.Errorf("a.py:\n%s", got)
	}
}

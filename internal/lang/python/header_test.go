package python

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestLoopsAndVariablesCarryTheirFunctionsHeader: the parse gives each loop
// and variable the signature of its function, continuation lines of a
// multi-line parameter list included and decorators left out, and nothing
// at module level.
func TestLoopsAndVariablesCarryTheirFunctionsHeader(t *testing.T) {
	src := "class A:\n    @staticmethod\n    def m(self,\n          x):\n        if x:\n            for i in x:\n                y = i\n\nfor j in z:\n    pass\n"
	cs, err := newTestLanguage(t, Options{}).Find(&source.File{Path: "a.py", Lang: source.Python, Src: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]struct {
		header string
		line   int
	}{
		6: {"    def m(self,\n          x):", 3}, // the loop
		7: {"    def m(self,\n          x):", 3}, // y = i
		9: {"", 0},                               // the module-level loop
	}
	seen := 0
	for _, c := range cs {
		if c.Kind == source.Function {
			continue
		}
		w, ok := want[c.Range.StartLine]
		if !ok {
			t.Errorf("unexpected %s at line %d", c.Kind, c.Range.StartLine)
			continue
		}
		seen++
		if c.Header != w.header || c.HeaderLine != w.line {
			t.Errorf("%s at line %d: header %q at %d, want %q at %d", c.Kind, c.Range.StartLine, c.Header, c.HeaderLine, w.header, w.line)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d loops and variables, want %d", seen, len(want))
	}
}

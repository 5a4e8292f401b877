package golang

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestLoopsCarryTheirFunctionsHeader: the parse gives a loop the signature
// of its Go function or method, across a multi-line parameter list; a loop
// in a func literal belongs to the declared function (its Enclosing), and
// so does its header.
func TestLoopsCarryTheirFunctionsHeader(t *testing.T) {
	src := "package p\n\nfunc (s *Store) Sum(\n\tkeys []string,\n) int {\n\tif len(keys) > 0 {\n\t\tfor range keys {\n\t\t}\n\t}\n\tgo func() {\n\t\tfor range keys {\n\t\t}\n\t}()\n\treturn 0\n}\n"
	cs, err := newLang(t).Find(&source.File{Path: "p.go", Lang: source.Go, Src: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	loops := 0
	for _, c := range cs {
		if c.Kind != source.Loop {
			continue
		}
		loops++
		if want := "func (s *Store) Sum(\n\tkeys []string,\n) int {"; c.Header != want || c.HeaderLine != 3 {
			t.Errorf("loop at line %d: header %q at %d, want %q at 3", c.Range.StartLine, c.Header, c.HeaderLine, want)
		}
	}
	if loops != 2 {
		t.Errorf("found %d loops, want 2", loops)
	}
}

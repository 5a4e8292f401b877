package prompt

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestEnclosingHeaderGo finds the signature of the Go function or method
// around a loop, across a multi-line parameter list, and not a func
// literal's call in between.
func TestEnclosingHeaderGo(t *testing.T) {
	src := "package p\n\nfunc (s *Store) Sum(\n\tkeys []string,\n) int {\n\tif len(keys) > 0 {\n\t\tfor range keys {\n\t\t}\n\t}\n\treturn 0\n}\n"
	f := &source.File{Path: "p.go", Lang: source.Go, Src: []byte(src)}
	c := &source.Construct{Lang: source.Go, Range: source.Range{StartLine: 7}}
	head, line := enclosingHeader(f, c)
	if want := "func (s *Store) Sum(\n\tkeys []string,\n) int {"; head != want || line != 3 {
		t.Errorf("header %q at %d, want %q at 3", head, line, want)
	}
}

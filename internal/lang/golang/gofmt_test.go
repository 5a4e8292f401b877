package golang

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"testing"
)

// TestGofmtRoundTrip formats instrumented output with go/format (gofmt's
// own code), as an editor or a pre-commit hook would, and requires Strip
// to give back the original of every gofmt-clean input and of its
// gofmt-clean rewrite otherwise.
func TestGofmtRoundTrip(t *testing.T) {
	l := newLang(t)
	inputs, _ := filepath.Glob("testdata/*/*.go.in")
	n := 0
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want, err := format.Source(src)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, _, err := instrument(l, testFile("x.go", want), testDecision)
		if err != nil {
			t.Fatal(err)
		}
		formatted, err := format.Source(out)
		if err != nil {
			t.Fatalf("%s: gofmt rejects the output: %v", in, err)
		}
		back, _, err := l.Strip(formatted)
		if err != nil || !bytes.Equal(back, want) {
			t.Errorf("%s: instrumented, gofmt-ed and stripped (%v), differs from the gofmt-ed original:\n%s", in, err, back)
		}
		n++
	}
	if n < 5 {
		t.Fatalf("only %d inputs", n)
	}
}

package golang

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
)

// TestGofmtRoundTrip formats instrumented output with go/format (gofmt's
// own code), as an editor or a pre-commit hook would, and requires Strip
// to give back the original of every gofmt-clean input and of its
// gofmt-clean rewrite otherwise.
// Each input goes through twice: with the per-package runtime, and in a
// module, whose files gofmt splits the import of the shared runtime off
// the package clause's line for.
func TestGofmtRoundTrip(t *testing.T) {
	l := newLang(t)
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), []byte("module example.com/gofmt\n"))
	inputs, _ := filepath.Glob("testdata/*/*.go.in")
	if len(inputs) < 5 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	split := 0
	for _, in := range inputs {
		gofmtRoundTrip(t, l, in, "")
		if gofmtRoundTrip(t, l, in, filepath.Join(mod, "x.go")) {
			split++
		}
	}
	if split < 3 {
		t.Fatalf("gofmt split the import off the package clause in only %d files", split)
	}
}

// gofmtRoundTrip checks one input as x.go at abs ("": no module); it
// reports whether the output held the import of the shared package.
func gofmtRoundTrip(t *testing.T, l lang.Language, in, abs string) bool {
	t.Helper()
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := format.Source(src)
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	f := testFile("x.go", want)
	f.Abs = abs
	out, _, err := instrument(l, f, testDecision)
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
	return bytes.Contains(formatted, []byte("\nimport "+sharedName+" "))
}

// TestGofmtAlignedCommentsStripBack: gofmt aligns the trailing comments of
// neighbouring lines, so a long injected call on one line pads the
// comments of the others; once the call is stripped the padding must go
// too, for the file gofmt formatted to strip back to the gofmt-ed
// original (BurntSushi/toml's error.go kept 100 spaces before a comment).
func TestGofmtAlignedCommentsStripBack(t *testing.T) {
	l := newLang(t)
	want := []byte(`package p

func f(a int) int {
	x := a + 1 // one
	y := x * 2 // two
	if y > 3 { // three
		return y
	}
	for i := 0; i < a; i++ { // four
		x += i // five
	}
	return x
}
`)
	out, _, err := instrument(l, testFile("x.go", want), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	formatted, err := format.Source(out)
	if err != nil {
		t.Fatalf("gofmt rejects the output: %v", err)
	}
	back, _, err := l.Strip(formatted)
	if err != nil || !bytes.Equal(back, want) {
		t.Errorf("instrumented, gofmt-ed and stripped (%v), differs from the original:\n%s\ninstrumented and gofmt-ed:\n%s", err, back, formatted)
	}
	// A file gofmt never touched strips back byte for byte, unformatted
	// parts included.
	odd := bytes.Replace(want, []byte("x := a + 1 // one"), []byte("x := a + 1    // one"), 1)
	out, _, err = instrument(l, testFile("x.go", odd), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if back, _, err := l.Strip(out); err != nil || !bytes.Equal(back, odd) {
		t.Errorf("stripped without gofmt (%v), differs from the original:\n%s", err, back)
	}
}

package golang

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// FuzzInstrumentStrip checks, for any input that both tree-sitter and
// gofmt's go/parser accept, that instrumenting every construct gives output
// that still parses for both and strips back to the input byte for byte.
func FuzzInstrumentStrip(f *testing.F) {
	for _, dir := range []string{"testdata/golden/*.go.in", "testdata/behaviour/*.go.in"} {
		inputs, _ := filepath.Glob(dir)
		for _, in := range inputs {
			src, err := os.ReadFile(in)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Add([]byte("package p\nfunc f(a int) int { for { return a } }\n"))
	f.Add([]byte("package p\nfunc (r *T[K]) m() (x int) { L: for range 3 { x, y := 1, 2; _ = y; continue L }; return }\n"))
	l := newLang(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		if bytes.Contains(src, []byte("@ti")) || bytes.Contains(src, []byte(runtimePrefix)) {
			return // text that looks like ours is not removable input
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "fuzz.go", src, parser.SkipObjectResolution); err != nil {
			return
		}
		file := testFile("fuzz.go", src)
		out, _, err := instrument(l, file, testDecision)
		if err != nil {
			return // tree-sitter rejects it: Find reports the file as not parsing
		}
		if err := l.Validate(bg, file, out); err != nil {
			t.Fatalf("output does not parse: %v\n--- input\n%s\n--- output\n%s", err, src, out)
		}
		if back, _, err := l.Strip(out); err != nil || !bytes.Equal(back, src) {
			t.Fatalf("Strip does not give back the input (%v)\n--- input\n%q\n--- stripped\n%q", err, src, back)
		}
	})
}

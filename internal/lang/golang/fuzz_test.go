package golang

import (
	"bytes"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
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
	f.Fuzz(func(t *testing.T, src []byte) { _ = checkRoundTrip(t, l, src) })
}

// checkRoundTrip instruments src, when go/parser accepts it, and requires
// output that parses and strips back to src byte for byte. It reports
// whether src was instrumented at all.
func checkRoundTrip(t *testing.T, l lang.Language, src []byte) bool {
	t.Helper()
	if bytes.Contains(src, []byte("@ti")) || bytes.Contains(src, []byte(runtimePrefix)) {
		return false // text that looks like ours is not removable input
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "fuzz.go", src, parser.SkipObjectResolution); err != nil {
		return false
	}
	file := testFile("fuzz.go", src)
	out, _, err := instrument(l, file, testDecision)
	if err != nil {
		return false // tree-sitter rejects it: Find reports the file as not parsing
	}
	if err := l.Validate(bg, file, out); err != nil {
		t.Fatalf("output does not parse: %v\n--- input\n%s\n--- output\n%s", err, src, out)
	}
	if back, _, err := l.Strip(out); err != nil || !bytes.Equal(back, src) {
		t.Fatalf("Strip does not give back the input (%v)\n--- input\n%q\n--- stripped\n%q", err, src, back)
	}
	return true
}

// TestMutations runs the fuzz property on seeded mutations of the test
// inputs (lines dropped, duplicated, joined, re-indented with spaces) in
// every test run: the fuzzing engine is not run by go test.
func TestMutations(t *testing.T) {
	l := newLang(t)
	inputs, _ := filepath.Glob("testdata/*/*.go.in")
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.SplitAfter(src, []byte("\n"))
		for k := 0; k < 60; k++ {
			m := append([][]byte(nil), lines...)
			i := rng.IntN(len(m))
			switch k % 4 {
			case 0:
				m = append(m[:i], m[i+1:]...)
			case 1:
				m = append(m[:i+1], m[i:]...)
			case 2:
				m[i] = bytes.TrimSuffix(m[i], []byte("\n"))
			case 3:
				m[i] = bytes.ReplaceAll(m[i], []byte("\t"), []byte("    "))
			}
			if checkRoundTrip(t, l, bytes.Join(m, nil)) {
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d mutations parsed and were checked", checked)
	}
	t.Logf("%d mutations checked", checked)
}

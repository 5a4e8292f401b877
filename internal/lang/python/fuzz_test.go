package python

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// FuzzInstrumentStrip: any input that parses cleanly and passes the layout
// check must still do both after every construct is instrumented, and Strip
// must give it back byte for byte. Inputs that already hold injected code
// are left out: the pipeline strips those before it instruments.
func FuzzInstrumentStrip(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/golden/*.py")
	progs, _ := filepath.Glob("testdata/programs/*.py")
	for _, p := range append(seeds, progs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("for x in y: z = 1\nwhile a:\n\tb += 1\n"))
	l := New(Options{NoCompile: true})
	defer l.Close()
	// Tree-sitter's grammar accepts some text CPython does not (it
	// recovers without marking an error); such an input is not a program,
	// so when the property fails python3, if there is one, judges the
	// input itself.
	var judge *compilerPool
	if py, err := exec.LookPath("python3"); err == nil {
		judge = newCompilerPool(py, 1)
		defer judge.close()
	}
	notPython := func(src []byte) bool {
		return judge != nil && judge.compile(context.Background(), "m.py", src) != nil
	}
	p := treesitter.NewParser(treesitter.Python, 2)
	defer p.Close()
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, n, err := l.Strip(src); n > 0 || err != nil {
			return
		}
		if CheckLayout(src) != nil {
			return
		}
		out, _, err := instrument(l, "pkg/m.py", src, "._telemetry_utils")
		if err != nil {
			return // does not parse cleanly
		}
		tree, err := p.Parse(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		perr := treesitter.SyntaxError(tree.RootNode(), out)
		tree.Close()
		if perr != nil && !notPython(src) {
			t.Fatalf("instrumented output does not parse: %v\ninput:\n%q\noutput:\n%q", perr, src, out)
		}
		if err := CheckLayout(out); err != nil && !notPython(src) {
			t.Fatalf("instrumented output fails the layout check: %v\ninput:\n%q\noutput:\n%q", err, src, out)
		}
		if back, _, _ := l.Strip(out); !bytes.Equal(back, src) {
			t.Fatalf("Strip does not give back the input\ninput:\n%q\nstripped:\n%q", src, back)
		}
	})
}

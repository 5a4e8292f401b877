package javascript

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// FuzzInstrumentStrip checks, for any input that parses cleanly as
// JavaScript (tree-sitter and node) or, with a leading "//ts\n", as
// TypeScript (tree-sitter), that instrumenting
// every construct gives output that still parses and strips back to the
// input byte for byte.
func FuzzInstrumentStrip(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/golden/*")
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") || strings.HasSuffix(in, ".constructs") || strings.HasSuffix(in, "x") {
			continue
		}
		src, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		if strings.HasSuffix(in, ".ts") {
			src = append([]byte("//ts\n"), src...)
		}
		f.Add(src)
	}
	f.Add([]byte("function f(a){return a}"))
	f.Add([]byte("const g = a => b => a + b\nfor(;;)break"))
	// Inputs must also pass node's compiler where node is installed:
	// tree-sitter accepts a few inputs that are not JavaScript (an
	// unterminated comment, say), and no real file is like that.
	js, ts := languages(f, Options{})
	f.Fuzz(func(t *testing.T, src []byte) {
		if bytes.Contains(src, []byte("@ti")) {
			return // text that looks like our markers is not removable input
		}
		path, l, g := "lib/fuzz.js", js, treesitter.JavaScript
		if bytes.HasPrefix(src, []byte("//ts\n")) {
			path, l, g = "lib/fuzz.ts", ts, treesitter.TypeScript
		}
		p := treesitter.NewParser(g, 1)
		defer p.Close()
		tree, err := p.Parse(bg, src)
		if err != nil {
			t.Fatal(err)
		}
		clean := treesitter.SyntaxError(tree.RootNode(), src) == nil
		tree.Close()
		if !clean {
			return
		}
		file := testFile(path, src)
		file.Module = source.ModuleCommonJS
		if l.Validate(bg, file, src) != nil {
			return
		}
		out, _, err := instrument(l, file, testDecision)
		if err != nil {
			t.Fatalf("instrumenting: %v", err)
		}
		if err := l.Validate(bg, file, out); err != nil {
			t.Fatalf("output does not parse: %v\n--- input\n%s\n--- output\n%s", err, src, out)
		}
		if back, _, _ := Strip(out); !bytes.Equal(back, src) {
			t.Fatalf("Strip does not give back the input\n--- input\n%q\n--- stripped\n%q", src, back)
		}
	})
}

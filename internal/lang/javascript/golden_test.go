package javascript

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden instruments every testdata/golden input with testDecision and
// compares the output with <input>.golden and the constructs found with
// <input>.constructs. Every output must keep the input's lines, validate,
// strip back to the input byte for byte, and (for JavaScript) pass the real
// `node --check`.
func TestGolden(t *testing.T) {
	js, ts := languages(t, Options{})
	inputs, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	node, _ := exec.LookPath("node")
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") || strings.HasSuffix(in, ".constructs") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			f := testFile(filepath.Base(in), src)
			l := pick(f, js, ts)
			out, cs, err := instrument(l, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, in+".golden", out)
			compareGolden(t, in+".constructs", []byte(describe(cs)))
			if got, want := bytes.Count(out, []byte("\n")), bytes.Count(src, []byte("\n")); got != want {
				t.Errorf("the output has %d line breaks, the input %d: every line below an insertion moved", got, want)
			}
			if err := l.Validate(bg, f, out); err != nil {
				t.Errorf("output does not validate: %v", err)
			}
			back, _, _ := Strip(out)
			if !bytes.Equal(back, src) {
				t.Errorf("Strip(output) differs from the input:\n%s", back)
			}
			if node != "" && f.Lang == source.JavaScript && filepath.Ext(in) != ".jsx" {
				nodeCheck(t, node, f, out)
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d golden inputs found", n)
	}
}

// nodeCheck runs the real `node --check` on out, written with the extension
// that makes node read it with f's module system.
func nodeCheck(t *testing.T, node string, f *source.File, out []byte) {
	t.Helper()
	jp := treesitter.NewParser(treesitter.JavaScript, 1)
	defer jp.Close()
	tree, err := jp.Parse(bg, f.Src)
	if err != nil {
		t.Fatal(err)
	}
	ext := ".cjs"
	if ModuleOf(f, tree.RootNode()) == source.ModuleESM {
		ext = ".mjs"
	}
	tree.Close()
	p := filepath.Join(t.TempDir(), "out"+ext)
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(node, "--check", p).CombinedOutput(); err != nil {
		t.Errorf("node --check rejects the output: %v\n%s", err, msg)
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	langtest.CompareGolden(t, path, got, *update)
}

// describe lists constructs one a line, for the .constructs golden files.
func describe(cs []source.Construct) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s #%d %q lines %d-%d", c.Kind, c.QualName, c.Ordinal, c.Name, c.Range.StartLine, c.Range.EndLine)
		if c.Enclosing != "" {
			fmt.Fprintf(&b, " in %s", c.Enclosing)
		}
		if len(c.Params) > 0 {
			fmt.Fprintf(&b, " params=%s", strings.Join(c.Params, ","))
		}
		if len(c.Targets) > 0 {
			fmt.Fprintf(&b, " targets=%s", strings.Join(c.Targets, ","))
		}
		if c.Kind != source.Function && len(c.Scope) > 0 {
			fmt.Fprintf(&b, " scope=%s", strings.Join(c.Scope, ","))
		}
		if c.Async {
			b.WriteString(" async")
		}
		if c.Generator {
			b.WriteString(" generator")
		}
		if c.InLoop {
			b.WriteString(" inloop")
		}
		if c.Skip != "" {
			fmt.Fprintf(&b, " SKIP(%s)", c.Skip)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

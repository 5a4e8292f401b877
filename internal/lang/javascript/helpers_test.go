package javascript

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// needNode is node's path; the test is skipped where node is not on PATH.
func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	return node
}

// readTestFile reads a file under testdata as the scanner would give it,
// named by its base name.
func readTestFile(t *testing.T, path string) *source.File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return testFile(filepath.Base(path), src)
}

// testFile builds the source.File the scanner would for path.
func testFile(path string, src []byte) *source.File {
	f := &source.File{Path: path, Abs: "/" + path, Src: src, Lang: source.JavaScript}
	switch filepath.Ext(path) {
	case ".ts", ".mts", ".cts":
		f.Lang = source.TypeScript
	case ".tsx":
		f.Lang, f.TSX = source.TypeScript, true
	case ".mjs":
		f.Module = source.ModuleESM
	case ".cjs":
		f.Module = source.ModuleCommonJS
	}
	return f
}

// testDecision is the deterministic decision the golden tests use: the
// QualName as the name, the first two parameters as attributes, and
// everything recorded.
func testDecision(c *source.Construct) source.Decision {
	attrs := c.Params
	if len(attrs) > 2 {
		attrs = attrs[:2]
	}
	// The name as the pipeline's planners make it: a QualName such as
	// "m.<anonymous>" is not a name the renderer accepts.
	return source.Decision{Name: decide.SanitizeName(c.QualName, c.Name), Attributes: attrs, RecordExceptions: true, CountIterations: true, RecordValue: true}
}

// languages returns the two languages, closed when the test ends.
func languages(t testing.TB, opts Options) (js, ts lang.Language) {
	js, ts = New(opts)
	t.Cleanup(func() {
		_ = js.Close()
		_ = ts.Close()
	})
	return js, ts
}

func pick(f *source.File, js, ts lang.Language) lang.Language {
	if f.Lang == source.TypeScript {
		return ts
	}
	return js
}

// instrument finds f's constructs, renders each with decide and applies the
// edits plus the import when anything was rendered.
func instrument(l lang.Language, f *source.File, decide func(*source.Construct) source.Decision) ([]byte, []source.Construct, error) {
	cs, err := l.Find(f)
	if err != nil {
		return nil, nil, err
	}
	var edits []inject.Edit
	for i := range cs {
		edits = append(edits, l.Render(f, &cs[i], decide(&cs[i]))...)
	}
	if len(edits) > 0 {
		spec := "./_telemetry_utils.js"
		if d := strings.Count(f.Path, "/"); d > 0 {
			spec = strings.Repeat("../", d) + "_telemetry_utils.js"
		}
		edits = append(edits, l.Import(f, spec))
	}
	out, err := inject.Apply(f.Src, edits)
	return out, cs, err
}

var bg = context.Background()

package python

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// testDecision records much: the span is named after the construct, the
// first two parameters become attributes, loops count iterations and
// variables record their shapes. Values are recorded (the opt-in) for the
// functions named count and the variables named total, and variables named
// like secrets are marked, so the goldens show every form.
func testDecision(c *source.Construct) source.Decision {
	d := source.Decision{Attributes: []string{}, RecordExceptions: true, CountIterations: true}
	d.RecordValue = c.Kind == source.Function && c.Name == "count" || c.Kind == source.Variable && c.Name == "total"
	d.Sensitive = c.Kind == source.Variable && (strings.Contains(c.Name, "token") || strings.Contains(c.Name, "secret"))
	switch c.Kind {
	case source.Function:
		d.Name = c.QualName
		d.Attributes = c.Params[:min(2, len(c.Params))]
	case source.Loop:
		d.Name = fmt.Sprintf("%s.loop%d", c.QualName, c.Ordinal)
	case source.Variable:
		d.Name = c.QualName + "." + c.Name
	}
	return d
}

// instrument instruments every construct of src that is not skipped, as the
// pipeline would, importing the runtime from spec.
func instrument(l lang.Language, path string, src []byte, spec string) ([]byte, []source.Construct, error) {
	f := &source.File{Path: path, Lang: source.Python, Src: src}
	cs, err := l.Find(f)
	if err != nil {
		return nil, nil, err
	}
	edits := []inject.Edit{l.Import(f, spec)}
	for i := range cs {
		if cs[i].Skip != "" {
			continue
		}
		edits = append(edits, l.Render(f, &cs[i], testDecision(&cs[i]))...)
	}
	if len(edits) == 1 {
		return src, cs, nil
	}
	out, err := inject.Apply(src, edits)
	return out, cs, err
}

// newTestLanguage returns the language with the compiler check on when
// python3 is on PATH, closed at the end of the test.
func newTestLanguage(t testing.TB, opts Options) lang.Language {
	t.Helper()
	l := New(opts)
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// languageUnderTest is the language value the tests drive.
type languageUnderTest = lang.Language

func itoa(n int) string { return fmt.Sprint(n) }

// writeProgram writes an instrumented module as name into dir, with the
// runtime beside it, as the tool leaves a project.
func writeProgram(t *testing.T, dir, name string, out []byte) {
	t.Helper()
	for file, b := range map[string][]byte{name: out, "_telemetry_utils.py": utilfiles.Python()} {
		if err := os.WriteFile(filepath.Join(dir, file), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

package golang

import (
	"context"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

var bg = context.Background()

// testFile builds the source.File the scanner would for path.
func testFile(path string, src []byte) *source.File {
	return &source.File{Path: path, Src: src, Lang: source.Go}
}

// testDecision is the deterministic decision the golden tests use: the
// QualName as the name, sanitized as the planner does (a route literal's
// "HandleFunc /users"), the first two parameters as attributes, and
// everything recorded.
func testDecision(c *source.Construct) source.Decision {
	attrs := c.Params
	if len(attrs) > 2 {
		attrs = attrs[:2]
	}
	return source.Decision{Name: decide.SanitizeName(c.QualName, c.Name), Attributes: attrs, RecordExceptions: true, CountIterations: true, RecordValue: c.Kind == source.Function}
}

// newLang returns the language without the go vet check, closed when the
// test ends.
func newLang(t testing.TB) lang.Language {
	l := New(Options{NoToolchain: true})
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// instrument finds f's constructs and renders each with decide.
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
		// As the pipeline does: the import of the runtime first.
		spec := l.Place(nil, []*source.File{f}, nil)[f.Path].Spec
		edits = append([]inject.Edit{l.Import(f, spec)}, edits...)
	}
	out, err := inject.Apply(f.Src, edits)
	return out, cs, err
}

package builtin

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestDecideExamples(t *testing.T) {
	tests := []struct {
		name string
		c    source.Construct
		want source.Decision
	}{
		{"method with preferred parameters", source.Construct{Kind: source.Function, Lang: source.Python, Name: "save", QualName: "pkg.mod.User.save",
			Params: []string{"self", "payload", "user_id", "password", "retries", "flag", "path", "callback", "*args"}},
			source.Decision{Name: "pkg.mod.User.save", Attributes: []string{"user_id", "retries", "path"}, RecordExceptions: true, RecordValue: true}},
		{"ordinary parameters fill up", source.Construct{Kind: source.Function, Lang: source.JavaScript, Name: "f", QualName: "app.f",
			Params: []string{"this", "a", "b", "c", "d"}},
			source.Decision{Name: "app.f", Attributes: []string{"a", "b", "c"}, RecordExceptions: true, RecordValue: true}},
		{"nothing worth recording", source.Construct{Kind: source.Function, Lang: source.Python, Name: "run", QualName: "m.run",
			Params: []string{"self", "args", "kwargs", "_unused", "token", "data"}},
			source.Decision{Name: "m.run", Attributes: []string{}, RecordExceptions: true}},
		{"init is kept", source.Construct{Kind: source.Function, Lang: source.Python, Name: "__init__", QualName: "m.C.__init__", Params: []string{"self", "name"}},
			source.Decision{Name: "m.C.__init__", Attributes: []string{"name"}, RecordExceptions: true, RecordValue: true}},
		// The finder gives the reason a protocol method runs implicitly.
		{"repr is skipped", source.Construct{Kind: source.Function, Lang: source.Python, Name: "__repr__", QualName: "m.C.__repr__", Params: []string{"self"},
			Protocol: "protocol method __repr__ runs implicitly and often"},
			source.Decision{Skip: true, Reason: "protocol method __repr__ runs implicitly and often", Attributes: []string{}}},
		{"toString is skipped", source.Construct{Kind: source.Function, Lang: source.TypeScript, Name: "toString", QualName: "m.C.toString",
			Protocol: "conversion method toString runs implicitly and often"},
			source.Decision{Skip: true, Reason: "conversion method toString runs implicitly and often", Attributes: []string{}}},
		{"short arrow is skipped", source.Construct{Kind: source.Function, Lang: source.JavaScript, Name: "<anonymous>", QualName: "m.<anonymous>",
			Range: source.Range{Start: 10, End: 20, StartLine: 3, EndLine: 3}, Anchor: source.Anchor{Expression: true}},
			source.Decision{Skip: true, Reason: "one-line arrow function: a span costs more than it tells", Attributes: []string{}}},
		{"long arrow is kept, name sanitised", source.Construct{Kind: source.Function, Lang: source.JavaScript, Name: "<anonymous>", QualName: "m.<anonymous>",
			Range: source.Range{Start: 10, End: 200, StartLine: 3, EndLine: 3}, Anchor: source.Anchor{Expression: true}, Params: []string{"req"}},
			source.Decision{Name: "m._anonymous_", Attributes: []string{"req"}, RecordExceptions: true, RecordValue: true}},
		{"construct skip passes through", source.Construct{Kind: source.Function, Name: "f", Skip: "inspects its caller's frame"},
			source.Decision{Skip: true, Reason: "inspects its caller's frame", Attributes: []string{}}},
		{"first loop", source.Construct{Kind: source.Loop, QualName: "m.f", Ordinal: 0},
			source.Decision{Name: "m.f.loop", CountIterations: true, Attributes: []string{}}},
		{"third loop", source.Construct{Kind: source.Loop, QualName: "m.f", Ordinal: 2},
			source.Decision{Name: "m.f.loop3", CountIterations: true, Attributes: []string{}}},
		{"module-level loop", source.Construct{Kind: source.Loop, Path: "pkg/tool.py"},
			source.Decision{Name: "pkg.tool.loop", CountIterations: true, Attributes: []string{}}},
		{"variable", source.Construct{Kind: source.Variable, QualName: "m.f", Name: "total", Targets: []string{"total"}},
			source.Decision{Name: "m.f.total", RecordValue: true, Attributes: []string{}}},
		{"sensitive variable", source.Construct{Kind: source.Variable, QualName: "m.f", Name: "authToken", Targets: []string{"authToken"}},
			source.Decision{Name: "m.f.authToken", Sensitive: true, Attributes: []string{}}},
		{"sensitive among targets", source.Construct{Kind: source.Variable, QualName: "m.f", Name: "user", Targets: []string{"user", "pwd"}},
			source.Decision{Name: "m.f.user", Sensitive: true, Attributes: []string{}}},
		{"throwaway", source.Construct{Kind: source.Variable, QualName: "m.f", Name: "_"},
			source.Decision{Skip: true, Reason: `throwaway variable "_"`, Attributes: []string{}}},
		{"long names keep their suffix", source.Construct{Kind: source.Loop, QualName: strings.Repeat("a", 300), Ordinal: 1},
			source.Decision{Name: strings.Repeat("a", 122) + ".loop2", CountIterations: true, Attributes: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(&tt.c)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestEveryDecisionValidates generates many constructs, awkward ones
// included, and checks that the planner's decision is deterministic,
// already in Validate's normal form, and never records sensitive data.
func TestEveryDecisionValidates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"user_id", "self", "this", "password", "apiKey", "x", "path", "名前", "$el", "#priv", "a-b", "", "__init__", "__repr__",
		"toString", "<anonymous>", "[Symbol.iterator]", "9lives", "count", "session", "callback", "_", "kwargs", "key", "monkey", "a b", `q"uote`, "*/"}
	pick := func() string { return pieces[r.IntN(len(pieces))] }
	langs := []source.Language{source.Python, source.JavaScript, source.TypeScript}
	for i := range 5000 {
		c := source.Construct{
			Kind:     source.Kinds[r.IntN(len(source.Kinds))],
			Lang:     langs[r.IntN(len(langs))],
			Name:     pick(),
			Ordinal:  r.IntN(4),
			Path:     pick() + "/" + pick() + ".py",
			Range:    source.Range{Start: 0, End: r.IntN(300), StartLine: 1, EndLine: 1 + r.IntN(2)},
			Anchor:   source.Anchor{Expression: r.IntN(2) == 0},
			Async:    r.IntN(2) == 0,
			Targets:  []string{pick()},
			QualName: strings.Repeat(pick()+".", r.IntN(8)) + pick(),
		}
		if r.IntN(10) == 0 {
			c.QualName = strings.Repeat("segment.", 30)
		}
		for range r.IntN(10) {
			c.Params = append(c.Params, pick())
		}
		d := Decide(&c)
		if !reflect.DeepEqual(d, Decide(&c)) {
			t.Fatalf("case %d: not deterministic for %+v", i, c)
		}
		v, err := decide.Validate(&c, d)
		if err != nil {
			t.Fatalf("case %d: %+v\ndecision %+v fails validation: %v", i, c, d, err)
		}
		if !d.Skip && !reflect.DeepEqual(v, d) {
			t.Fatalf("case %d: decision %+v is not in normal form %+v", i, d, v)
		}
		if len(d.Attributes) > MaxAttributes {
			t.Fatalf("case %d: %d attributes", i, len(d.Attributes))
		}
		for _, a := range d.Attributes {
			if decide.SensitiveName(a) || a == "self" || a == "this" {
				t.Fatalf("case %d: records %q", i, a)
			}
		}
		if c.Kind == source.Variable && d.RecordValue && (decide.SensitiveName(c.Name) || decide.SensitiveName(c.Targets[0])) {
			t.Fatalf("case %d: records sensitive variable %q", i, c.Name)
		}
	}
}

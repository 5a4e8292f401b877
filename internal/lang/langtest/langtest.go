// Package langtest holds checks that every language's tests run against
// its Language value, so a rule the languages share is tested the same way
// in each. Only tests import it.
package langtest

import (
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// RenderRefusesInvalidNames checks that l renders every construct of f
// (which must hold a function, a loop and a variable) under the name
// decide gives, and renders nothing under a name outside
// source.NamePattern, whatever the caller validated: the hostile names,
// plus the language-neutral ones here, would otherwise be code.
func RenderRefusesInvalidNames(t *testing.T, l lang.Language, f *source.File, decide func(*source.Construct) source.Decision, hostile ...string) {
	t.Helper()
	cs, err := l.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	hostile = append(hostile, "a*/b", "a\nb", "a\u2028b", "", "9a", "a b", strings.Repeat("a", 129))
	kinds := map[source.Kind]bool{}
	for i := range cs {
		c := &cs[i]
		d := decide(c)
		if len(l.Render(f, c, d)) == 0 {
			t.Fatalf("%s: %s %s: valid name %q rendered nothing (skip: %q)", f.Path, c.Kind, c.Name, d.Name, c.Skip)
		}
		kinds[c.Kind] = true
		for _, bad := range hostile {
			d.Name = bad
			if e := l.Render(f, c, d); len(e) != 0 {
				t.Errorf("%s: %s %s: name %q rendered %q", f.Path, c.Kind, c.Name, bad, e[0].New)
			}
		}
	}
	if len(kinds) != 3 {
		t.Fatalf("%s: test source gave kinds %v, want a function, a loop and a variable", f.Path, kinds)
	}
}

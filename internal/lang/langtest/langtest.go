// Package langtest holds checks that every language's tests run against
// its Language value, so a rule the languages share is tested the same way
// in each. Only tests import it.
package langtest

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
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

// StripCase is one output ValidateStrip is asked about: f holds the
// original, Out what a run (or a hand edit of it) made of it.
type StripCase struct {
	File *source.File
	Out  []byte
}

// ValidateStripAgrees checks that l.ValidateStrip, which shares one parse
// of the output between validation and the removal proof, answers exactly
// what l.Validate and then l.Strip answer on every case, and that the cases
// reach all three outcomes (invalid, removal refused, stripped): the
// agreement is then not that of two functions that accept everything.
// mode names the language's options in messages.
func ValidateStripAgrees(t *testing.T, l lang.Language, mode string, cases []StripCase) {
	t.Helper()
	ctx := context.Background()
	var invalids, refusals, stripped int
	for i, c := range cases {
		back, stripErr, invalid := l.ValidateStrip(ctx, c.File, c.Out)
		wantInvalid := l.Validate(ctx, c.File, c.Out)
		if errString(invalid) != errString(wantInvalid) {
			t.Errorf("%s case %d: ValidateStrip says %v, Validate %v\n%s", mode, i, invalid, wantInvalid, c.Out)
			continue
		}
		if invalid != nil {
			invalids++
			continue
		}
		wantBack, _, wantErr := l.Strip(c.Out)
		if !bytes.Equal(back, wantBack) || errString(stripErr) != errString(wantErr) {
			t.Errorf("%s case %d: ValidateStrip strips to %q (%v), Strip to %q (%v)", mode, i, back, stripErr, wantBack, wantErr)
		}
		switch {
		case stripErr != nil:
			refusals++
		case !bytes.Equal(back, c.Out):
			stripped++
		}
	}
	if invalids == 0 || refusals == 0 || stripped == 0 {
		t.Errorf("%s: %d invalid, %d refused, %d stripped: a branch was never taken", mode, invalids, refusals, stripped)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// CompareGolden fails unless got equals the golden file at path, or, with
// update set (each package's -update flag), writes got there.
func CompareGolden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// At is the placement of a runtime file at rt, holding content, imported by
// spec.
func At(rt, spec, content string) layout.Placement {
	return layout.Placement{RuntimePath: rt, Spec: spec, Content: content}
}

// ComparePlacements checks that a language's Place gave each file the
// placement want names, and placed no other file.
func ComparePlacements(t *testing.T, got, want map[string]layout.Placement) {
	t.Helper()
	for file, w := range want {
		if g := got[file]; g != w {
			t.Errorf("%s: got %+v, want %+v", file, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d placements, want %d", len(got), len(want))
	}
}

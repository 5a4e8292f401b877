package python

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestValidateStripAgrees: ValidateStrip, which shares one parse of the
// output between validation and the removal proof, answers exactly what
// Validate and then Strip answer, with the compiler off and on, for
// instrumented output, output a user or formatter changed so that removal
// refuses, output that does not compile, and files with nothing injected.
func TestValidateStripAgrees(t *testing.T) {
	modes := []Options{{NoCompile: true}}
	if _, err := exec.LookPath("python3"); err == nil {
		modes = append(modes, Options{})
	} else {
		t.Log("python3 not on PATH: the compiler mode is not checked")
	}
	type pair struct{ orig, out string }
	var cases []pair
	for _, in := range []string{
		"x = 1\n",
		"def f(:\n    pass\n",
		"def f():\nreturn 1\n",
		"def f():\n    with _ti_span(\"f\", \"m.py\", 1, (), True):  # @telemetry-inject\n      return 1\n",
		"_ti_tick(x); y\n",
		"x = 1\ny = _ti_val('k', x, 'm.py', 1)\n",
		"x = 1\n_ti_mark(\"k\", \"m.py\", 1)  # @telemetry-inject",
		"s = '''\n_ti_var(x)  # @telemetry-inject\n'''\n",
		"print(f\"{_ti_tick('a')}\")\n",
		"def f():\n    with _ti_span(\"f\", \"m.py\", 1, (), True):  # @telemetry-inject\n        return 1\n  x = 2\n",
		// Valid for tree-sitter, rejected by CPython: the compiler's word
		// wins when it accepts the original.
		"def f():\n    with _ti_span(\"f\", \"m.py\", 1, (), True):  # @telemetry-inject\n        return 1\nreturn 2\n",
	} {
		cases = append(cases, pair{in, in})
	}
	r := rand.New(rand.NewPCG(3, 4))
	l := newTestLanguage(t, Options{NoCompile: true})
	for range 40 {
		src, _ := genFile(r)
		out, _, err := instrument(l, "pkg/m.py", []byte(src), "._telemetry_utils")
		if err != nil {
			t.Fatal(err)
		}
		some, err := instrumentSome(l, []byte(src), r)
		if err != nil {
			t.Fatal(err)
		}
		// A hand edit that breaks one body's indentation: removal refuses.
		broken := strings.Replace(string(out), "\n        ", "\n       ", 1)
		for _, o := range []string{src, string(out), string(some), broken} {
			cases = append(cases, pair{src, o})
		}
	}
	for _, opts := range modes {
		l := newTestLanguage(t, opts)
		var invalids, refusals, stripped int
		for i, c := range cases {
			f := &source.File{Path: "pkg/m.py", Lang: source.Python, Src: []byte(c.orig)}
			in := c.out
			ctx := context.Background()
			back, stripErr, invalid := l.ValidateStrip(ctx, f, []byte(in))
			wantInvalid := l.Validate(ctx, f, []byte(in))
			if errString(invalid) != errString(wantInvalid) {
				t.Errorf("compile=%v input %d: ValidateStrip says %v, Validate %v\n%s", !opts.NoCompile, i, invalid, wantInvalid, in)
				continue
			}
			if invalid != nil {
				invalids++
				continue
			}
			wantBack, _, wantErr := l.Strip([]byte(in))
			if !bytes.Equal(back, wantBack) || errString(stripErr) != errString(wantErr) {
				t.Errorf("compile=%v input %d: ValidateStrip strips to %q (%v), Strip to %q (%v)", !opts.NoCompile, i, back, stripErr, wantBack, wantErr)
			}
			switch {
			case stripErr != nil:
				refusals++
			case string(back) != c.out:
				stripped++
			}
		}
		// Every branch was taken: the agreement is not that of two
		// functions that accept everything.
		if invalids == 0 || refusals == 0 || stripped == 0 {
			t.Errorf("compile=%v: %d invalid, %d refused, %d stripped: a branch was never taken", !opts.NoCompile, invalids, refusals, stripped)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return fmt.Sprint(err)
}

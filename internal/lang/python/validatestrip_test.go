package python

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
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
		var lc []langtest.StripCase
		for _, c := range cases {
			f := &source.File{Path: "pkg/m.py", Lang: source.Python, Src: []byte(c.orig)}
			lc = append(lc, langtest.StripCase{File: f, Out: []byte(c.out)})
		}
		langtest.ValidateStripAgrees(t, newTestLanguage(t, opts), fmt.Sprintf("compile=%v", !opts.NoCompile), lc)
	}
}

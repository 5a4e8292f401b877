package javascript

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
)

// TestValidateStripAgrees: ValidateStrip, which shares one parse of the
// output between validation and the removal proof, answers exactly what
// Validate and then Strip answer, with node's check off and on, for
// instrumented output, output whose pieces a hand edit broke, output that
// does not parse, and files with nothing injected.
func TestValidateStripAgrees(t *testing.T) {
	modes := []Options{{NoNode: true}}
	if _, err := exec.LookPath("node"); err == nil {
		modes = append(modes, Options{})
	} else {
		t.Log("node not on PATH: the node check is not exercised")
	}
	type pair struct{ path, orig, out string }
	var cases []pair
	js, _ := languages(t, Options{NoNode: true})
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 40 {
		var b strings.Builder
		b.WriteString("function f(a) {\n")
		for range 1 + r.IntN(6) {
			b.WriteString(userSpots[r.IntN(len(userSpots)-1)](markerTexts[r.IntN(len(markerTexts))]))
			if r.IntN(2) == 0 {
				b.WriteString("  for (const x of a) { g(x); }\n")
			}
		}
		b.WriteString("  const c = a + 1;\n  return c;\n}\nmodule.exports = f;\n")
		src := b.String()
		path := fmt.Sprintf("p%d.js", i)
		out, _, err := instrument(js, testFile(path, []byte(src)), testDecision)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		o := string(out)
		for _, edited := range []string{
			src, o,
			// A closing marker lost: removal refuses.
			strings.Replace(o, ");/*}@ti*/", ");", 1),
			// The function's closing brace lost: the output does not parse.
			strings.Replace(o, "/*}@ti*/}\nmodule.exports", "/*}@ti*/\nmodule.exports", 1),
		} {
			cases = append(cases, pair{path, src, edited})
		}
	}
	for _, opts := range modes {
		js, _ := languages(t, opts)
		var lc []langtest.StripCase
		for _, c := range cases {
			lc = append(lc, langtest.StripCase{File: testFile(c.path, []byte(c.orig)), Out: []byte(c.out)})
		}
		langtest.ValidateStripAgrees(t, js, fmt.Sprintf("node=%v", !opts.NoNode), lc)
	}
}

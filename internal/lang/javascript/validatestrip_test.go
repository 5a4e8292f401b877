package javascript

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
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
			strings.Replace(o, "\n}\nmodule.exports", "\nmodule.exports", 1),
		} {
			cases = append(cases, pair{path, src, edited})
		}
	}
	for _, opts := range modes {
		js, _ := languages(t, opts)
		var invalids, refusals, stripped int
		for i, c := range cases {
			f := testFile(c.path, []byte(c.orig))
			back, stripErr, invalid := js.ValidateStrip(bg, f, []byte(c.out))
			wantInvalid := js.Validate(bg, f, []byte(c.out))
			if fmt.Sprint(invalid) != fmt.Sprint(wantInvalid) {
				t.Errorf("node=%v case %d: ValidateStrip says %v, Validate %v\n%s", !opts.NoNode, i, invalid, wantInvalid, c.out)
				continue
			}
			if invalid != nil {
				invalids++
				continue
			}
			wantBack, _, wantErr := js.Strip([]byte(c.out))
			if !bytes.Equal(back, wantBack) || fmt.Sprint(stripErr) != fmt.Sprint(wantErr) {
				t.Errorf("node=%v case %d: ValidateStrip strips to %q (%v), Strip to %q (%v)", !opts.NoNode, i, back, stripErr, wantBack, wantErr)
			}
			switch {
			case stripErr != nil:
				refusals++
			case string(back) != c.out:
				stripped++
			}
		}
		if invalids == 0 || refusals == 0 || stripped == 0 {
			t.Errorf("node=%v: %d invalid, %d refused, %d stripped: a branch was never taken", !opts.NoNode, invalids, refusals, stripped)
		}
	}
}

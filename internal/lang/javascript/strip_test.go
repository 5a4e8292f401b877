package javascript

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// markerTexts are the texts a user may write that look like our pieces.
var markerTexts = []string{markOpen, markClose, markOpen + " keep me " + markClose, markOpen + "__x.v(1);" + markClose}

// userSpots places a marker text t where it is the user's: in strings,
// template literals, regular expressions, comments and JSX text.
var userSpots = []func(t string) string{
	func(t string) string { return fmt.Sprintf("  const s = %q;\n", t) },
	func(t string) string { return "  const q = '" + strings.ReplaceAll(t, "'", "\\'") + "';\n" },
	func(t string) string { return "  const tpl = `a ${a} " + t + " b`;\n" },
	func(t string) string { return "  const tag = String.raw`" + t + "${a}`;\n" },
	func(t string) string { return "  // note: " + t + "\n" },
	func(t string) string { return "  /* note: " + strings.ReplaceAll(t, "*/", "* /") + " */\n" },
	func(t string) string {
		// Inside a character class / needs no escape, so the exact text
		// appears in the regular expression.
		return "  const re = /[" + strings.ReplaceAll(t, "]", "\\]") + "]/;\n"
	},
	func(t string) string {
		return "  const el = <p>" + strings.NewReplacer("{", "{'{'}", "}", "{'}'}").Replace(t) + "</p>;\n"
	},
}

// TestMarkerTextOfTheUserSurvives is the property test of issue 10: files
// holding every marker text inside strings, template literals, regular
// expressions, comments and JSX text survive instrument -> strip ->
// instrument byte for byte, and Strip removes exactly what was injected.
func TestMarkerTextOfTheUserSurvives(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		var b strings.Builder
		b.WriteString("function f(a) {\n")
		for range 1 + r.IntN(6) {
			spot := userSpots[r.IntN(len(userSpots))]
			b.WriteString(spot(markerTexts[r.IntN(len(markerTexts))]))
			if r.IntN(2) == 0 {
				b.WriteString("  for (const x of a) { g(x); }\n")
			}
		}
		b.WriteString("  return a;\n}\nmodule.exports = f;\n")
		src := []byte(b.String())
		f := testFile(fmt.Sprintf("p%d.jsx", i), src)
		out, cs, err := instrument(js, f, testDecision)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		back, n, err := js.Strip(out)
		if err != nil || !bytes.Equal(back, src) {
			t.Fatalf("strip: %v\n--- input\n%s\n--- stripped\n%s", err, src, back)
		}
		if want := bytes.Count(out, []byte(markOpen)) - bytes.Count(src, []byte(markOpen)); n != want {
			t.Fatalf("strip removed %d pieces, %d were injected\n%s", n, want, out)
		}
		again, _, err := instrument(js, testFile(f.Path, back), testDecision)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second instrumentation differs (%v, %d constructs)\n--- first\n%s\n--- second\n%s", err, len(cs), out, again)
		}
	}
}

// TestStripRefusesWhatItCannotTakeOutExactly checks that Strip names the
// line of a piece it cannot remove and never returns a broken file.
func TestStripRefusesWhatItCannotTakeOutExactly(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	src := []byte("function f(a) {\n  const b = a + 1;\n  return b;\n}\nmodule.exports = f;\n")
	out, _, err := instrument(js, testFile("f.js", src), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		edit func(string) string
		line string
	}{
		"user code moved into a piece": {func(s string) string {
			return strings.Replace(s, "try {/*}@ti*/\n  const b = a + 1;", "try {\n  const b = a + 1;/*}@ti*/", 1)
		}, "line 1:"},
		"closing marker lost": {func(s string) string {
			return strings.Replace(s, `__ti.val("f.f", b, "f.js", 2);/*}@ti*/`, `__ti.val("f.f", b, "f.js", 2);`, 1)
		}, "line 2:"},
		"opening marker lost": {func(s string) string {
			return strings.Replace(s, "/*@ti{*/} catch", "} catch", 1)
		}, "line 4:"},
	}
	for name, c := range cases {
		edited := c.edit(string(out))
		if edited == string(out) {
			t.Fatalf("%s: the edit did not apply to\n%s", name, out)
		}
		back, _, err := js.Strip([]byte(edited))
		if err == nil || !strings.HasPrefix(err.Error(), c.line) {
			t.Errorf("%s: Strip = %v, want an error starting %q; result:\n%s", name, err, c.line, back)
		}
	}
}

// TestStripRemovesLineBasedOutput strips the output of the previous
// renderer, which gave injected code lines of its own (testdata/linebased
// holds its goldens): projects instrumented before must come back byte for
// byte, line breaks and indentation included.
func TestStripRemovesLineBasedOutput(t *testing.T) {
	olds, err := filepath.Glob("testdata/linebased/*.golden")
	if err != nil || len(olds) < 10 {
		t.Fatalf("%d line-based outputs found (%v)", len(olds), err)
	}
	for _, old := range olds {
		out, err := os.ReadFile(old)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join("testdata/golden", strings.TrimSuffix(filepath.Base(old), ".golden")))
		if err != nil {
			t.Fatal(err)
		}
		back, n, err := Strip(out)
		if err != nil || !bytes.Equal(back, src) || n == 0 {
			t.Errorf("%s: Strip removed %d pieces (%v), giving\n%s", old, n, err, back)
		}
	}
}

// TestOurPiecesKnowsTheLegacyLookup: a project instrumented before the
// lookup's fallback lost its five parameters, or before the lookup got its
// JSDoc cast, is still recognised, as a formatter may have left it, by the
// removal of a newer release.
func TestOurPiecesKnowsTheLegacyLookup(t *testing.T) {
	legacy := `var __ti = (function () { try { return require("./_telemetry_utils.js"); } catch (e) { var n = function () {}; ` +
		`return { enter: n, exit: n, fail: n, v: n, val: n, mark: n, loop: n, tick: n, run: function (a, b, c, d, f) { return f(); } }; } })();`
	uncast := `var __ti = (function () { try { return require("./_telemetry_utils.js"); } catch (e) { var n = function () {}; ` +
		`return { enter: n, exit: n, fail: n, v: n, val: n, mark: n, loop: n, tick: n, run: function () { var f = arguments[4]; return f(); } }; } })();`
	for _, piece := range []string{legacy, uncast, scriptImport("./_telemetry_utils.js")} {
		if !ourPieces.MatchString(normalizePiece(piece)) {
			t.Errorf("not recognised as ours: %s", piece)
		}
	}
}

// TestStripRemovesTheAsyncFormsOfEarlierReleases: output of releases whose
// async functions returned run's promise, not awaited it, still comes out
// byte for byte, in JavaScript (with its JSDoc) and TypeScript.
func TestStripRemovesTheAsyncFormsOfEarlierReleases(t *testing.T) {
	for name, c := range map[string]struct{ old, want string }{
		"one.js": {
			old: `/*@ti{*/import * as __ti from "./_telemetry_utils.js";/*}@ti*/export async function one(a) {/*@ti{*/return __ti.run("one.one", "one.js", 1, {a: a}, async () => {/*}@ti*/
  return a;
/*@ti{*/}, 1);/*}@ti*/}
export async function two() {/*@ti{*/return __ti.run("one.two", "one.js", 4, {}, /** @returns {Promise<void>} */ async () => {/*}@ti*/
  await null;
/*@ti{*/});/*}@ti*/}
export const three = async (x) => /*@ti{*/__ti.run("one.three", "one.js", 7, {x: x}, async () => (/*}@ti*/x + 1/*@ti{*/))/*}@ti*/;
`,
			want: "export async function one(a) {\n  return a;\n}\nexport async function two() {\n  await null;\n}\nexport const three = async (x) => x + 1;\n",
		},
		"one.ts": {
			old: `/*@ti{*/import * as __ti from "./_telemetry_utils.js";/*}@ti*/export async function one(a: number): Promise<number> {/*@ti{*/return __ti.run("one.one", "one.ts", 1, {a: a}, async (): Promise<number> => {/*}@ti*/
  return a;
/*@ti{*/});/*}@ti*/}
`,
			want: "export async function one(a: number): Promise<number> {\n  return a;\n}\n",
		},
	} {
		back, n, err := Strip([]byte(c.old))
		if err != nil || string(back) != c.want {
			t.Errorf("%s: strip: %v (%d pieces)\n--- got\n%s--- want\n%s", name, err, n, back, c.want)
		}
	}
}

package python

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// markerTexts are every piece of text the tool writes, as a user might
// have them in strings and comments.
var markerTexts = []string{
	`_ti_tick("a"); `,
	`  # @telemetry-inject`,
	`# @telemetry-inject`,
	`with _ti_span("m.f", "m.py", 1, (), True):  # @telemetry-inject`,
	`with _ti_span(`,
	`_ti_var("k", x, "m.py", 1)  # @telemetry-inject`,
	`_ti_val("k", x, "m.py", 1)  # @telemetry-inject`,
	`_ti_mark("k", "m.py", 1)  # @telemetry-inject`,
	`_ti_loop("k", "m.py", 1)  # @telemetry-inject`,
	`from ._telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_val, _ti_mark  # @telemetry-inject`,
	`@_ti_span("m.f", "m.py", 1, (), True)  # @telemetry-inject`,
	`__ti_tick__("a"); `,
	`with __ti_span__("m.f", "m.py", 1, (), True):  # @telemetry-inject`,
	`__ti_var__("k", x, "m.py", 1)  # @telemetry-inject`,
	`from ._telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject`,
}

// genFile writes a random module whose strings and comments hold marker
// texts: docstrings, one-line and triple-quoted strings (their lines
// starting at any column), f-strings, comments on lines of their own and
// after code, bracket and backslash continuations, loops on one line and
// on several, nested functions, methods. It returns the module and the
// triple-quoted literals, whose bytes must survive instrumentation as
// they are.
func genFile(r *rand.Rand) (string, []string) {
	unit := "    "
	if r.IntN(4) == 0 {
		unit = "\t"
	}
	m := func() string { return markerTexts[r.IntN(len(markerTexts))] }
	var b strings.Builder
	var literals []string
	var body func(ind string, depth int)
	stmt := func(ind string, depth int) {
		switch r.IntN(13) {
		case 0:
			fmt.Fprintf(&b, "%ss = '%s'\n", ind, m())
		case 1:
			fmt.Fprintf(&b, "%s#%s\n", ind, m())
		case 2:
			fmt.Fprintf(&b, "%sx = 1  #%s\n", ind, m())
		case 3:
			lit := fmt.Sprintf("'''%s\n%s\n%s%s\n'''", m(), m(), ind+unit, m())
			literals = append(literals, lit)
			fmt.Fprintf(&b, "%st = %s\n", ind, lit)
		case 4:
			fmt.Fprintf(&b, "%sf = f'{x!r:>4}%s'\n", ind, strings.ReplaceAll(m(), "{", "{{"))
		case 5:
			fmt.Fprintf(&b, "%sy = 1 + \\\n%s  2  #%s\n", ind, ind, m())
		case 6:
			fmt.Fprintf(&b, "%sz = [\n'%s',\n%s#%s\n  ]\n", ind, m(), ind, m())
		case 7:
			fmt.Fprintf(&b, "%sfor i in range(2): q = '%s'\n", ind, m())
		case 8:
			fmt.Fprintf(&b, "%sfor i in range(2):\n%s%si = '%s'\n", ind, ind, unit, m())
		case 9:
			if depth < 3 {
				fmt.Fprintf(&b, "%sdef g%d(x):\n", ind, r.IntN(100))
				body(ind+unit, depth+1)
			} else {
				fmt.Fprintf(&b, "%spass\n", ind)
			}
		case 10:
			fmt.Fprintf(&b, "\n%s# blank line above%s\n", ind, m())
		case 11:
			fmt.Fprintf(&b, "%sfor i in range(2):\n%sdef h(x):\n%sy = '%s'\n%sreturn y\n", ind, ind+unit, ind+unit+unit, m(), ind+unit+unit)
		case 12:
			if depth < 3 {
				fmt.Fprintf(&b, "%sclass K:\n%sdef m(self, x):\n", ind, ind+unit)
				body(ind+unit+unit, depth+2)
			}
		}
	}
	body = func(ind string, depth int) {
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "%s\"\"\"%s\"\"\"\n", ind, m())
		}
		for range 1 + r.IntN(4) {
			stmt(ind, depth)
		}
		fmt.Fprintf(&b, "%sreturn x\n", ind)
	}
	fmt.Fprintf(&b, "\"\"\"Module%s\"\"\"\n#%s\n", m(), m())
	for i := range 1 + r.IntN(3) {
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "class C%d:\n%sdef m(self, x):\n", i, unit)
			body(unit+unit, 1)
		} else {
			fmt.Fprintf(&b, "def f%d(x, *a, **k):\n", i)
			body(unit, 1)
		}
		stmt("", 0)
	}
	return b.String(), literals
}

// TestMarkerTextSurvives is the property of issue 10: files holding every
// marker text in strings and comments go through instrument, remove and
// instrument again byte for byte; Strip leaves the original alone; the
// instrumented output passes the layout check (and CPython's compiler for
// a sample) and keeps every triple-quoted literal as it was.
func TestMarkerTextSurvives(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	n := 300
	if testing.Short() {
		n = 50
	}
	var judge *compilerPool
	if py, err := exec.LookPath("python3"); err == nil {
		judge = newCompilerPool(py, 1)
		defer judge.close()
	}
	r := rand.New(rand.NewPCG(11, 10))
	constructs := 0
	for i := range n {
		src, literals := genFile(r)
		if got, k, err := l.Strip([]byte(src)); err != nil || k != 0 || string(got) != src {
			t.Fatalf("file %d: Strip changed user text (%d pieces, %v):\n%s", i, k, err, src)
		}
		out, cs, err := instrument(l, "pkg/m.py", []byte(src), "._telemetry_utils")
		if err != nil {
			t.Fatalf("file %d: %v\n%s", i, err, src)
		}
		constructs += len(cs)
		if err := CheckLayout(out); err != nil {
			t.Fatalf("file %d: output fails the layout check: %v\n%s", i, err, out)
		}
		if judge != nil && i%10 == 0 {
			if err := judge.compile(context.Background(), "m.py", out); err != nil {
				t.Fatalf("file %d: output does not compile: %v\n%s", i, err, out)
			}
		}
		for _, lit := range literals {
			if !bytes.Contains(out, []byte(lit)) {
				t.Fatalf("file %d: a triple-quoted literal changed:\n%s\noutput:\n%s", i, lit, out)
			}
		}
		back, k, err := l.Strip(out)
		if err != nil || !bytes.Equal(back, []byte(src)) {
			t.Fatalf("file %d: Strip (%d pieces, %v) does not give back the input:\n%s", i, k, err, diff(src, string(back)))
		}
		// A planner declines some constructs: an inner function's with
		// block inside a declined outer one carries no unit of it.
		some, err := instrumentSome(l, []byte(src), r)
		if err != nil {
			t.Fatalf("file %d: %v", i, err)
		}
		if err := CheckLayout(some); err != nil {
			t.Fatalf("file %d: output with declined constructs fails the layout check: %v\n%s", i, err, some)
		}
		if judge != nil && i%10 == 5 {
			if err := judge.compile(context.Background(), "m.py", some); err != nil {
				t.Fatalf("file %d: output with declined constructs does not compile: %v\n%s", i, err, some)
			}
		}
		if back, _, err := l.Strip(some); err != nil || !bytes.Equal(back, []byte(src)) {
			t.Fatalf("file %d: Strip (%v) of output with declined constructs does not give back the input:\n%s", i, err, diff(src, string(back)))
		}
		again, _, err := instrument(l, "pkg/m.py", back, "._telemetry_utils")
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("file %d: instrumenting again differs (%v):\n%s", i, err, diff(string(out), string(again)))
		}
	}
	t.Logf("%d files, %d constructs: all survived instrument -> remove -> instrument", n, constructs)
}

// instrumentSome instruments src as instrument does, but declines about a
// third of the constructs at random.
func instrumentSome(l languageUnderTest, src []byte, r *rand.Rand) ([]byte, error) {
	f := &source.File{Path: "pkg/m.py", Lang: source.Python, Src: src}
	cs, err := l.Find(f)
	if err != nil {
		return nil, err
	}
	var edits []inject.Edit
	for i := range cs {
		if cs[i].Skip == "" && r.IntN(3) > 0 {
			edits = append(edits, l.Render(f, &cs[i], testDecision(&cs[i]))...)
		}
	}
	edits = append(edits, l.Import(f, "._telemetry_utils"))
	return inject.Apply(src, edits)
}

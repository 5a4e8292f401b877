package javascript

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestSerializedFunctionsRunElsewhere instruments
// testdata/serialized/serialized.cjs at --density high, through the real
// policy, and runs it with real node: the functions it hands to new
// Function, vm, eval, a page's evaluate and a worker as text must work as
// before (with telemetry in them they throw "__ti is not defined"), and
// the ordinary function must still get its span.
func TestSerializedFunctionsRunElsewhere(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/serialized/serialized.cjs")
	cs, err := js.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	var serialized []string
	ds := make([]*source.Decision, len(cs))
	for i := range cs {
		if cs[i].Serialized != "" {
			serialized = append(serialized, string(cs[i].Kind)+" "+cs[i].QualName)
		}
		d := testDecision(&cs[i])
		ds[i] = &d
	}
	for _, want := range []string{"function serialized.square", "loop serialized.square", "variable serialized.square",
		"function serialized.cube", "function serialized.half", "function serialized.shapes.quarter", "variable serialized.shapes.quarter", "function serialized.twice", "variable serialized.main.evaluate callback"} {
		if !slices.Contains(serialized, want) {
			t.Errorf("%s is not marked serialized; marked: %q", want, serialized)
		}
	}
	for i := range cs {
		if strings.HasPrefix(cs[i].QualName, "serialized.ordinary") || cs[i].QualName == "serialized.main" && cs[i].Kind == source.Function {
			if cs[i].Serialized != "" {
				t.Errorf("%s %s is marked serialized: %s", cs[i].Kind, cs[i].QualName, cs[i].Serialized)
			}
		}
	}
	decide.Policy{Density: decide.High}.Apply(f, cs, ds)
	var edits []inject.Edit
	for i := range cs {
		edits = append(edits, js.Render(f, &cs[i], *ds[i])...)
	}
	edits = append(edits, js.Import(f, "./_telemetry_utils.js"))
	out, err := inject.Apply(f.Src, edits)
	if err != nil {
		t.Fatal(err)
	}
	orig, inst := t.TempDir(), t.TempDir()
	runtime, err := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(orig, "serialized.cjs"), f.Src)
	writeFile(t, filepath.Join(inst, "serialized.cjs"), out)
	writeFile(t, filepath.Join(inst, "_telemetry_utils.js"), runtime)
	want, _, werr := runNode(t, node, orig, "serialized.cjs")
	got, stderr, gerr := runNode(t, node, inst, "serialized.cjs")
	if werr != nil || gerr != nil || got != want {
		t.Fatalf("original (%v):\n%s\ninstrumented (%v):\n%s\n%s\n%s", werr, want, gerr, got, stderr, out)
	}
	if stats := runtimeStats(t, stderr); stats.Spans["serialized.ordinary"] == 0 {
		t.Log(string(out))
		t.Errorf("the ordinary function got no span: %+v", stats)
	}
}

// TestSerializedRules: what counts as turning a function into text, and
// what does not (a tagged template hands its functions to the tag; a call
// of a function is no conversion).
func TestSerializedRules(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	cases := []struct {
		src        string
		serialized bool
	}{
		{"function f(a) { return a }\nconst s = `${f}`\n", true},
		{"function f(a) { return a }\nconst g = new Function(String(f))\n", true},
		{"const f = function (a) { return a }\nconst t = f.toString()\n", true},
		{"await page.$eval('#x', (el) => { return el.textContent })\n", true},
		{"function f(a) { return a }\nconst s = Function.prototype.toString.call(f)\n", true},
		{"const fnToStr = Function.prototype.toString\nfunction f(a) { return a }\nconst s = fnToStr.call(f)\n", true},
		{"function f(a) { return a }\nconst s = f.call(null, 1)\n", false},
		{"await page.waitForFunction(() => { return window.ready })\n", true},
		{"await context.addInitScript(() => { window.x = 1 })\n", true},
		{"const w = new Worker('(' + function () { postMessage(1) } + ')()', { eval: true })\n", true},
		{"function f(a) { return a }\nconst s = 'total: ' + f(1)\n", false},
		{"const Button = styled.button`color: ${(p) => { return p.color }};`\n", false},
		{"function f(a) { return a }\nconst s = `${f(1)}`\nconst t = String(f(2))\n", false},
		{"await page.click('#x')\nfunction f(a) { return a }\n", false},
		// A class's text holds its methods.
		{"class C { m(a) { return a } }\nconst s = C.toString()\n", true},
		{"const C = class { m(a) { return a } }\nconst s = `${C}`\n", true},
		// Methods and function-valued properties read through a property.
		{"const o = { m(a) { return a } }\nconst s = o.m.toString()\n", true},
		{"class C { m(a) { return a } }\nconst s = String(C.prototype.m)\n", true},
		{"const o = {}\no.m = function (a) { return a }\nconst s = Function.prototype.toString.call(o.m)\n", true},
		{"class C { m = (a) => { return a } }\nconst s = new C().m.toString()\n", true},
		{"const o = { m: (a) => { return a } }\nawait page.evaluate(o.m)\n", true},
		{"class C { m(a) { return a } }\nconst s = 'x' + c.m + String(c.n) + `${c.m}`\n", false},
		{"const o = { m(a) { return a } }\nconst s = o.id.toString()\n", false},
	}
	for _, c := range cases {
		cs, err := js.Find(testFile("s.mjs", []byte(c.src)))
		if err != nil {
			t.Fatal(err)
		}
		fns := 0
		for _, k := range cs {
			if k.Kind != source.Function {
				continue
			}
			fns++
			if (k.Serialized != "") != c.serialized {
				t.Errorf("%q: %s serialized = %q", c.src, k.QualName, k.Serialized)
			}
		}
		if fns == 0 {
			t.Errorf("%q: no function found", c.src)
		}
	}
}

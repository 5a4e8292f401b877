package javascript

import (
	"strings"
	"testing"
)

// TestMaskKeywordNames checks that only the names of import and export
// clauses and namespace re-exports are masked, never a keyword elsewhere
// (a block's `break`, an object's `null`), and `default` never.
func TestMaskKeywordNames(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"export { a as null, b as function };", "export { a as _ull, b as _unction };"},
		{"export { if as when, typeof } from 'x';", "export { _f as when, _ypeof } from 'x';"},
		{"import d, { class as K } from 'x';", "import d, { _lass as K } from 'x';"},
		{"export * as class from 'x';", "export * as _lass from 'x';"},
		{"export { a as default };", ""},
		{"import j from './x.json' assert { type: 'json' };", "import j from './x.json' with   { type: 'json' };"},
		{"for (;;) { break }\nconst o = { x, null: 1 };", ""},
	} {
		got := maskKeywordNames([]byte(c.src))
		if string(got) != c.want {
			t.Errorf("maskKeywordNames(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}

// TestParseJSKeepsRealErrors checks that a file with keyword export names
// and a real mistake still fails, at the mistake: the masked text is used
// only when it parses cleanly.
func TestParseJSKeepsRealErrors(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	f := testFile("broken.mjs", []byte("function f(a) {\n  return a +;\n}\nexport { f as function };\n"))
	_, err := js.Find(f)
	if err == nil || !strings.Contains(err.Error(), "2:") {
		t.Fatalf("Find: want the syntax error of line 2, got %v", err)
	}
	f = testFile("clean.mjs", []byte("import j from './x.json' assert { type: 'json' };\nfunction f(a) {\n  return a + j;\n}\nexport { f as function };\n"))
	cs, err := js.Find(f)
	if err != nil || len(cs) == 0 {
		t.Fatalf("Find: want f found, got %v, %v", cs, err)
	}
}

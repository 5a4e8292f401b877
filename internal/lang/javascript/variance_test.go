package javascript

import (
	"testing"
)

// TestMaskVariance checks that only the variance modifiers of type
// parameters are blanked, to the byte, and that code where `in` or `out`
// is a name or an operator is left as it is.
func TestMaskVariance(t *testing.T) {
	cases := []struct{ src, want string }{
		{"interface A<out T> {}", "interface A<    T> {}"},
		{"interface A<in T, out U = 1> {}", "interface A<   T,     U = 1> {}"},
		{"type F<in out T extends X> = T", "type F<       T extends X> = T"},
		{"class C<\n  out O,\n  in I,\n> {}", "class C<\n      O,\n     I,\n> {}"},
		{"interface O<\n  /** @ts-ignore */\n  out S extends X = Y,\n  // c\n  out C = Z,\n> {}", "interface O<\n  /** @ts-ignore */\n      S extends X = Y,\n  // c\n      C = Z,\n> {}"},
		{"for (const k in obj) {}", "for (const k in obj) {}"},
		{"if (a < b, out) {}", "if (a < b, out) {}"},
		{"f(a, out = 1)", "f(a, out = 1)"},
		{"x = a < in_ && b > c", "x = a < in_ && b > c"},
		{"let outT = 1, inner = 2", "let outT = 1, inner = 2"},
	}
	for _, c := range cases {
		if got := string(maskVariance([]byte(c.src))); got != c.want {
			t.Errorf("maskVariance(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}

// TestVarianceTSXUnmasked checks that a .tsx file is parsed as written,
// since there `<out x>` is an element with an attribute.
func TestVarianceTSXUnmasked(t *testing.T) {
	_, ts := languages(t, Options{NoNode: true})
	f := testFile("view.tsx", []byte("export function View() {\n  const v = <out x>hi</out>;\n  return v;\n}\n"))
	if _, err := ts.Find(f); err != nil {
		t.Fatalf("a TSX element named out no longer parses: %v", err)
	}
}

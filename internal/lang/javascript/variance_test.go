package javascript

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
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

// TestCallSignatureSeparatorOnlyInTypeBodies checks that the `;` put
// before a line starting with `<` is accepted between interface members
// and refused where it would split an expression into two statements.
func TestCallSignatureSeparatorOnlyInTypeBodies(t *testing.T) {
	p := &parsers{ts: treesitter.NewParser(treesitter.TypeScript, 1)}
	defer p.ts.Close()
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"interface P {\n  (a: number): T\n  <R>(r: R): R\n}\n", true},
		{"type P = {\n  (a: number): T\n  <R>(r: R): R\n}\n", true},
		{"const x = f(a)\n  <R>(r)\n", false},
	} {
		sep, at := separateCallSignatures([]byte(c.src))
		if len(at) != 1 {
			t.Fatalf("%q: %d separators", c.src, len(at))
		}
		tree, err := p.ts.Parse(bg, sep)
		if err != nil {
			t.Fatal(err)
		}
		if got := separatorsInTypeBodies(tree.RootNode(), at); got != c.want {
			t.Errorf("%q: in a type body %v, want %v", c.src, got, c.want)
		}
		tree.Close()
	}
}

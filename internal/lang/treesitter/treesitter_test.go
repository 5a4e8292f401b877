package treesitter

import (
	"context"
	"strings"
	"testing"
)

func TestParseEachGrammar(t *testing.T) {
	cases := []struct {
		g        Grammar
		src      string
		rootKind string
	}{
		{Python, "def f(x):\n    return x\n", "module"},
		{JavaScript, "function f(x) { return x }\n", "program"},
		{TypeScript, "function f(x: number): number { return x }\n", "program"},
		{TSX, "const a = <div>{1}</div>;\n", "program"},
	}
	for _, c := range cases {
		t.Run(c.g.String(), func(t *testing.T) {
			p := NewParser(c.g, 2)
			defer p.Close()
			tree, err := p.Parse(context.Background(), []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			defer tree.Close()
			root := tree.RootNode()
			if root.Kind() != c.rootKind {
				t.Fatalf("root kind = %q, want %q", root.Kind(), c.rootKind)
			}
			if err := SyntaxError(root, []byte(c.src)); err != nil {
				t.Fatalf("clean source reported as broken: %v", err)
			}
		})
	}
}

func TestSyntaxErrorNamesThePosition(t *testing.T) {
	p := NewParser(JavaScript, 1)
	defer p.Close()
	src := []byte("function f( {\n  return 1;\n")
	tree, err := p.Parse(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	perr := SyntaxError(tree.RootNode(), src)
	if perr == nil || !strings.Contains(perr.Error(), "syntax error at 1:") {
		t.Fatalf("got %v, want an error on line 1", perr)
	}
}

func TestParserReuseIsSafeConcurrently(t *testing.T) {
	p := NewParser(Python, 2)
	defer p.Close()
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			tree, err := p.Parse(context.Background(), []byte("x = 1\n"))
			if err == nil {
				tree.Close()
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseWithCancelledContextFailsCleanly(t *testing.T) {
	p := NewParser(Python, 1)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tree, err := p.Parse(ctx, []byte("x = 1\n")); err == nil {
		tree.Close()
		t.Fatal("parse with a cancelled context succeeded")
	}
	// The parser still works afterwards.
	tree, err := p.Parse(context.Background(), []byte("x = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	tree.Close()
}

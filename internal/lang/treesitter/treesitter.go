// Package treesitter wraps the official tree-sitter bindings for the
// grammars the tool reads (Python, JavaScript, TypeScript, TSX, Go). It is
// the project's only cgo: everything else sees trees through this package's
// small surface.
package treesitter

import (
	"context"
	"errors"
	"fmt"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjavascript "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tstypescript "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// Node and Tree are the bindings' types, re-exported so that language
// packages need not import the bindings themselves.
type (
	Node = sitter.Node
	Tree = sitter.Tree
)

// Grammar selects one of the grammars.
type Grammar int

// The grammars.
const (
	Python Grammar = iota
	JavaScript
	TypeScript
	TSX
	Go
)

func (g Grammar) String() string {
	return [...]string{"python", "javascript", "typescript", "tsx", "go"}[g]
}

func (g Grammar) language() *sitter.Language {
	var ptr unsafe.Pointer
	switch g {
	case Python:
		ptr = tspython.Language()
	case JavaScript:
		ptr = tsjavascript.Language()
	case TypeScript:
		ptr = tstypescript.LanguageTypescript()
	case TSX:
		ptr = tstypescript.LanguageTSX()
	case Go:
		ptr = tsgo.Language()
	default:
		panic(fmt.Sprintf("treesitter: unknown grammar %d", g))
	}
	return sitter.NewLanguage(ptr)
}

// Parser parses source text with one grammar. It keeps a few idle C parsers
// for reuse, because creating one per file costs more than parsing a small
// file. It is safe for concurrent use; Close frees the idle parsers.
type Parser struct {
	grammar Grammar
	lang    *sitter.Language
	idle    chan *sitter.Parser
}

// NewParser returns a Parser for g that keeps at most maxIdle idle parsers.
func NewParser(g Grammar, maxIdle int) *Parser {
	if maxIdle < 1 {
		maxIdle = 1
	}
	return &Parser{grammar: g, lang: g.language(), idle: make(chan *sitter.Parser, maxIdle)}
}

// Parse parses src. The caller owns the returned tree and must Close it. A
// tree is returned even when src has syntax errors; use SyntaxError to ask.
func (p *Parser) Parse(ctx context.Context, src []byte) (*Tree, error) {
	// Cancellation is checked before a parse, not during one: the bindings'
	// ParseCtx writes through a cancellation flag it never allocated when
	// the context ends mid-parse (v0.25.0), which kills the process. One
	// file parses in milliseconds, so stopping between files is prompt.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var sp *sitter.Parser
	select {
	case sp = <-p.idle:
	default:
		sp = sitter.NewParser()
		if err := sp.SetLanguage(p.lang); err != nil {
			sp.Close()
			return nil, fmt.Errorf("loading the %s grammar: %w", p.grammar, err)
		}
	}
	tree := sp.Parse(src, nil)
	sp.Reset()
	select {
	case p.idle <- sp:
	default:
		sp.Close()
	}
	if tree == nil {
		return nil, errors.New("tree-sitter returned no tree")
	}
	return tree, nil
}

// Close frees the idle parsers. Parse may still be called afterwards; it
// then creates parsers as needed.
func (p *Parser) Close() {
	for {
		select {
		case sp := <-p.idle:
			sp.Close()
		default:
			return
		}
	}
}

// SyntaxError reports the first ERROR or MISSING node under root, as an error
// that names its line and column, or nil when the tree is clean.
func SyntaxError(root *Node, src []byte) error {
	if !root.HasError() {
		return nil
	}
	bad := firstError(root)
	if bad == nil {
		return errors.New("syntax error")
	}
	pos := bad.StartPosition()
	what := "unexpected " + quoteSnippet(src[bad.StartByte():bad.EndByte()])
	if bad.IsMissing() {
		what = "missing " + bad.Kind()
	}
	return fmt.Errorf("syntax error at %d:%d: %s", pos.Row+1, pos.Column+1, what)
}

func firstError(n *Node) *Node {
	if n.IsError() || n.IsMissing() {
		return n
	}
	if !n.HasError() {
		return nil
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		if bad := firstError(n.Child(i)); bad != nil {
			return bad
		}
	}
	return nil
}

func quoteSnippet(b []byte) string {
	const max = 20
	if len(b) > max {
		b = b[:max]
	}
	return fmt.Sprintf("%q", b)
}

// Text returns the source text of n.
func Text(n *Node, src []byte) string {
	return string(src[n.StartByte():n.EndByte()])
}

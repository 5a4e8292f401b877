package javascript

import (
	"context"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// syntaxError reports where f's source stops being valid, as
// "syntax error at LINE:COL: what". Tree-sitter's error recovery can wrap
// a whole stretch of good statements into one ERROR node, whose start
// (often 1:1) is not where the mistake is; the first statement inside it
// that is not complete and error-free is nearer. For JavaScript, node's
// own compiler is asked too when it runs, and its position wins: it is the
// one the user's runtime would print.
func (p *parsers) syntaxError(ctx context.Context, f *source.File, root *treesitter.Node, src []byte) error {
	if !root.HasError() {
		return nil
	}
	if p.node != nil && f.Lang == source.JavaScript && !isJSX(f, root, src) {
		esm := moduleFrom(f, scanModuleUse(root, src)) == source.ModuleESM || strings.HasSuffix(f.Path, ".mjs")
		if pos, err := p.node.Position(ctx, src, esm); err == nil && pos.Line > 0 {
			// Node gives no caret for "Unexpected end of input".
			return fmt.Errorf("syntax error at %d:%d: %s", pos.Line, max(pos.Column, 1), pos.Message)
		}
	}
	bad := firstBad(root)
	if bad == nil {
		return treesitter.SyntaxError(root, src)
	}
	pos := bad.StartPosition()
	end := min(int(bad.EndByte()), int(bad.StartByte())+20)
	what := fmt.Sprintf("unexpected %q", src[bad.StartByte():end])
	if bad.IsMissing() {
		what = "missing " + bad.Kind()
	}
	return fmt.Errorf("syntax error at %d:%d: %s", pos.Row+1, pos.Column+1, what)
}

// firstBad returns the first ERROR or MISSING node in source order, and
// inside an ERROR node skips the complete, error-free statements that
// recovery swallowed along with the mistake.
func firstBad(n *treesitter.Node) *treesitter.Node {
	if n.IsMissing() {
		return n
	}
	if !n.IsError() && !n.HasError() {
		return nil
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		c := n.Child(i)
		if bad := firstBad(c); bad != nil {
			return bad
		}
		if n.IsError() && !isCompleteStatement(c) {
			return c
		}
	}
	if n.IsError() {
		return n
	}
	return nil
}

// isCompleteStatement reports whether n is a statement or declaration
// without errors (and, when it needs one, with its semicolon or closing
// brace), which recovery can have kept inside an ERROR node.
func isCompleteStatement(n *treesitter.Node) bool {
	k := n.Kind()
	if n.HasError() || !(strings.HasSuffix(k, "_statement") || strings.HasSuffix(k, "_declaration") || k == "comment" || k == "hash_bang_line") {
		return false
	}
	last := n.Child(n.ChildCount() - 1)
	return last == nil || last.Kind() == ";" || last.Kind() == "}" || last.Kind() == "statement_block" || k == "comment" || k == "hash_bang_line"
}

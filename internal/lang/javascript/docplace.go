package javascript

import (
	"bytes"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// aboveDocComment moves the import from the start of a doc comment, at,
// to a line above it where one can take it, and returns the new offset and
// what the code needs in front (";" after a directive without one).
//
// TypeScript reads a comment as the doc comment of what follows only when
// a line break separates it from the token before: on the import's line, a
// JSDoc comment becomes a trailing comment of the import, and a project
// that checks its JavaScript (checkJs) loses the @param and @type tags
// that typed the first statement (TS7006 under strict). prev is the header
// item before the comment, nil when there is none; ok is false where no
// line above can take the import (a hash-bang line, a line comment that
// is a pragma or a triple-slash directive and must stay first), and the
// import then stays where it was.
func aboveDocComment(src []byte, prev *treesitter.Node, at int) (int, string, bool) {
	if !isDocComment(src, at) {
		return at, "", false
	}
	from := 0
	if prev != nil {
		from = int(prev.EndByte())
	}
	if bytes.IndexByte(src[from:at], '\n') < 0 {
		return at, "", false
	}
	switch {
	case prev == nil:
		// Blank lines above the comment: the first takes it.
		return 0, "", true
	case prev.Kind() == "hash_bang_line":
		return at, "", false
	case prev.Kind() == "comment" && bytes.HasPrefix(src[prev.StartByte():], []byte("//")):
		text := src[prev.StartByte():prev.EndByte()]
		if bytes.HasPrefix(text, []byte("///")) || filePragma.Match(text) || nextLineComment.Match(text) {
			return at, "", false
		}
		// Before it: the line comment then follows the import.
		return int(prev.StartByte()), "", true
	case prev.Kind() == "comment":
		return int(prev.EndByte()), "", true
	case isDirective(prev):
		if !endsWithSemicolon(prev) {
			return realEnd(prev), ";", true
		}
		return realEnd(prev), "", true
	}
	return at, "", false
}

// isDocComment reports whether a doc comment (/** ... */, not the empty
// /**/) starts at offset at.
func isDocComment(src []byte, at int) bool {
	return bytes.HasPrefix(src[at:], []byte("/**")) && !bytes.HasPrefix(src[at:], []byte("/**/"))
}

// runsNothing reports whether evaluating the top-level statement n runs no
// code but its own: a function declaration, or a declaration or
// assignment of function expressions. A CommonJS lookup of the runtime
// may follow such a statement, since no injected line can run before the
// lookup does.
func runsNothing(n *treesitter.Node) bool {
	isFunc := func(v *treesitter.Node) bool {
		if v == nil {
			return false
		}
		switch v.Kind() {
		case "function_expression", "function", "arrow_function", "generator_function":
			return true
		}
		return false
	}
	switch n.Kind() {
	case "function_declaration", "generator_function_declaration":
		return true
	case "lexical_declaration", "variable_declaration":
		for i := uint(0); i < n.NamedChildCount(); i++ {
			d := n.NamedChild(i)
			if d.Kind() != "variable_declarator" {
				continue
			}
			if v := d.ChildByFieldName("value"); v != nil && !isFunc(v) {
				return false
			}
			if d.ChildByFieldName("name").Kind() != "identifier" {
				return false
			}
		}
		return true
	case "expression_statement":
		e := n.NamedChild(0)
		if e == nil || e.Kind() != "assignment_expression" {
			return false
		}
		left := e.ChildByFieldName("left")
		// module.exports = function ...: a plain target, no getter or
		// setter of the program's can run.
		if left == nil || (left.Kind() != "identifier" && left.Kind() != "member_expression") {
			return false
		}
		return isFunc(e.ChildByFieldName("right"))
	}
	return false
}

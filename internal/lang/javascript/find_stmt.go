package javascript

import (
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// inStatementList reports whether n sits directly in a list of statements,
// where a line can be added before or after it without changing what the
// surrounding statement governs.
func inStatementList(n *treesitter.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	switch p.Kind() {
	case "program", "statement_block", "switch_case", "switch_default", "class_static_block":
		return true
	}
	return false
}

// loop records a for, for-in, for-of, for-await, while or do-while loop.
func (w *walker) loop(n *treesitter.Node, sc scope) {
	outer := n
	for outer.Parent() != nil && outer.Parent().Kind() == "labeled_statement" {
		outer = outer.Parent()
	}
	c := source.Construct{
		Kind:     source.Loop,
		Name:     w.loopName(n),
		QualName: sc.qual,
		Skip:     sc.skip,
		Indent:   indentAt(w.src, w.li, int(outer.StartByte())),
		InLoop:   sc.inLoop,
	}
	if sc.fn != nil {
		c.Enclosing = sc.fn.qual
		c.QualName = sc.fn.qual
		c.Scope = append([]string(nil), sc.fn.scope...)
		c.Header, c.HeaderLine = sc.fn.header, sc.fn.line
	}
	c.Anchor = source.Anchor{Before: int(outer.StartByte()), BodyStart: -1, BodyEnd: -1, After: -1}
	if at, ok := w.directiveAbove(outer); ok {
		c.Anchor.Before = at
	}
	if c.Skip == "" && !inStatementList(outer) {
		c.Skip = reasonNotInBlock
	}
	if prev := outer.PrevSibling(); c.Skip == "" && prev != nil && prev.Kind() == "expression_statement" &&
		treesitter.Text(prev, w.src) == "let" {
		// `let` on a line of its own followed by our line would read as
		// the declaration `let __ti...`.
		c.Skip = reasonAfterLet
	}
	if body := n.ChildByFieldName("body"); body != nil && body.Kind() == "statement_block" {
		c.Anchor.BodyStart = w.blockStart(body, false)
		c.Anchor.BodyEnd = blockEnd(body)
		c.Anchor.Inline = body.StartPosition().Row == body.EndPosition().Row
	}
	w.add(c, n)
}

// directiveAbove finds, among the comments on the lines directly above
// statement n, the first one that acts on the line below it (a
// `// prettier-ignore` or `// @ts-expect-error` over a loop): code placed
// before n must go before that comment, where it does not become the node
// the comment acts on. It returns that comment's start.
func (w *walker) directiveAbove(n *treesitter.Node) (int, bool) {
	at, found := 0, false
	below := w.li.line(int(n.StartByte()))
	for c := n.PrevSibling(); c != nil && c.Kind() == "comment"; c = c.PrevSibling() {
		_, alone := onlyIndentBefore(w.src, int(c.StartByte()))
		if !alone || below-w.li.line(int(c.EndByte())) > 1 {
			break
		}
		if nextLineComment.Match(w.src[c.StartByte():c.EndByte()]) {
			at, found = int(c.StartByte()), true
		}
		below = w.li.line(int(c.StartByte()))
	}
	return at, found
}

func (w *walker) loopName(n *treesitter.Node) string {
	switch n.Kind() {
	case "for_in_statement":
		if left := n.ChildByFieldName("left"); left != nil {
			return strings.Join(strings.Fields(treesitter.Text(left, w.src)), " ")
		}
	case "while_statement":
		return "while"
	case "do_statement":
		return "do"
	}
	return "for"
}

// declaration records a const, let or var statement in a function body.
// Only names that hold their value once the statement ran are read by the
// injected line: a declarator without an initializer (`let x;`, read
// before definite assignment: TS2454) or with one whose type TypeScript
// lets evolve (`let r = [];`, `= null`, `= undefined` without a type:
// reading it there makes it an implicit any, TS7005/TS7034) is left out;
// a statement with no name left is not recorded.
func (w *walker) declaration(n *treesitter.Node, sc scope) {
	if sc.fn == nil || n.Parent() == nil || n.Parent().Kind() != "statement_block" {
		return
	}
	var targets []string
	kids := w.named(n)
	for i := range kids {
		d := &kids[i]
		if d.Kind() != "variable_declarator" {
			continue
		}
		names := w.boundNames(d.ChildByFieldName("name"))
		value := d.ChildByFieldName("value")
		if value == nil || d.ChildByFieldName("type") == nil && evolves(value, w.src) {
			sc.fn.declare(names...)
			sc.fn.markEvolving(names...)
			continue
		}
		targets = append(targets, names...)
	}
	w.variable(n, sc, targets, w.readOnly(sc.fn.body, targets, n))
}

// evolves reports whether an initializer gives an unannotated variable a
// type that TypeScript lets evolve with later assignments: [], null,
// undefined.
func evolves(v *treesitter.Node, src []byte) bool {
	for v.Kind() == "parenthesized_expression" && v.NamedChildCount() == 1 {
		v = v.NamedChild(0)
	}
	switch v.Kind() {
	case "null", "undefined":
		return true
	case "array":
		return v.NamedChildCount() == 0
	case "identifier":
		return treesitter.Text(v, src) == "undefined"
	}
	return false
}

// assignment records an expression statement that assigns to a plain
// identifier (x = ..., x += ...) in a function body. In TypeScript the
// value is read only when the variable is the function's own and not one
// whose type evolves being given [], null or undefined: a variable of an
// outer function read in a closure loses its narrowing, and an evolving
// one is an implicit any there. Otherwise the line only marks the event.
func (w *walker) assignment(n *treesitter.Node, sc scope) {
	if sc.fn == nil || n.Parent() == nil || n.Parent().Kind() != "statement_block" || n.NamedChildCount() != 1 {
		return
	}
	e := n.NamedChild(0)
	if e.Kind() != "assignment_expression" && e.Kind() != "augmented_assignment_expression" {
		return
	}
	left := e.ChildByFieldName("left")
	if left == nil || left.Kind() != "identifier" {
		return
	}
	name := treesitter.Text(left, w.src)
	read := []string{name}
	if w.ts {
		right := e.ChildByFieldName("right")
		own := sc.fn.seen[name]
		if !own || sc.fn.evolving[name] && (right == nil || evolves(right, w.src) || e.Kind() != "assignment_expression") {
			read = nil
		}
		read = w.readOnly(sc.fn.body, read, n)
	}
	w.variable(n, sc, []string{name}, read)
}

// variable records a statement that binds names, of which the injected
// line reads read (none: it only marks the event).
func (w *walker) variable(n *treesitter.Node, sc scope, names, read []string) {
	if len(names) == 0 {
		return
	}
	sc.fn.declare(names...)
	c := source.Construct{
		Kind:      source.Variable,
		Name:      strings.Join(names, "_"),
		QualName:  sc.fn.qual,
		Enclosing: sc.fn.qual,
		Scope:     append([]string(nil), sc.fn.scope...),
		Targets:   read,
		Skip:      sc.skip,
		InLoop:    sc.inLoop,
	}
	c.Header, c.HeaderLine = sc.fn.header, sc.fn.line
	// Right after the statement's last token, before any comment that
	// ends its line: on the statement's own line, so that no line below
	// moves.
	c.Anchor = source.Anchor{Before: -1, BodyStart: -1, BodyEnd: -1, After: realEnd(n)}
	w.add(c, n)
}

// blockStart returns where code that runs first in a block goes: right
// after the brace or, for function bodies, the directive prologue, on that
// token's line (a line of its own would move every line below it, and with
// them the line numbers of Error.stack, source maps and coverage).
func (w *walker) blockStart(body *treesitter.Node, directives bool) int {
	anchor := body.Child(0) // "{"
	for i := uint(1); directives && i < body.ChildCount(); i++ {
		c := body.Child(i)
		if isDirective(c) {
			anchor = c
		} else if c.Kind() != "comment" {
			break
		}
	}
	return realEnd(anchor)
}

// blockEnd returns where code that runs last in a block goes: just before
// the closing brace, on its line.
func blockEnd(body *treesitter.Node) int {
	return realEnd(body) - 1
}

// realEnd returns where n's last token ends. Tree-sitter can count a
// comment that ends the file as part of the node before it, so the node's
// own end may lie inside that comment.
func realEnd(n *treesitter.Node) int {
	for {
		k := n.ChildCount()
		if k == 0 {
			return int(n.EndByte())
		}
		var last *treesitter.Node
		for i := k; i > 0; i-- {
			if c := n.Child(i - 1); c.Kind() != "comment" {
				last = c
				break
			}
		}
		if last == nil {
			return int(n.EndByte())
		}
		n = last
	}
}

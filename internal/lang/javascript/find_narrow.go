package javascript

import (
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// reasonTSClosureNarrowing: TypeScript (5.4 and later) keeps a variable's
// narrowing inside closures created after its last assignment, but takes
// an assignment inside a try block to happen at the end of the try
// statement, and one inside another function never to be "last". Either
// wrapper (a try block around the body, or the body moved into an arrow)
// would turn `x` back into `string | undefined` in such a closure
// (TS18048, TS2339), so the function is left alone.
const reasonTSClosureNarrowing = "TypeScript narrows a variable it assigns inside a closure created afterwards; wrapping the body would undo that narrowing (TS18048)"

// closureNarrowing reports whether a function body assigns one of its own
// parameters or let/var locals (outside nested functions) and a function
// nested in the body reads that name: the pattern TypeScript's closure
// narrowing depends on. It is conservative: it does not check that the
// closure comes after the assignment or that narrowing is involved.
func (w *walker) closureNarrowing(params []string, body *treesitter.Node) bool {
	own := map[string]bool{}
	for _, p := range params {
		own[p] = true
	}
	assigned := map[string]bool{}
	var closures []*treesitter.Node
	var walk func(n *treesitter.Node, nested bool)
	walk = func(n *treesitter.Node, nested bool) {
		switch n.Kind() {
		case "function_declaration", "generator_function_declaration", "function_expression", "function",
			"generator_function", "arrow_function", "method_definition", "class_declaration", "class":
			if !nested {
				closures = append(closures, n)
			}
			return
		case "variable_declaration", "lexical_declaration":
			if !nested && (n.Kind() == "variable_declaration" || n.Child(0) != nil && n.Child(0).Kind() == "let") {
				for _, d := range w.named(n) {
					if d.Kind() == "variable_declarator" {
						for _, name := range w.boundNames(d.ChildByFieldName("name")) {
							own[name] = true
						}
					}
				}
			}
		case "assignment_expression", "augmented_assignment_expression":
			if l := n.ChildByFieldName("left"); l != nil && l.Kind() == "identifier" && !nested {
				assigned[treesitter.Text(l, w.src)] = true
			}
		case "update_expression":
			if a := n.ChildByFieldName("argument"); a != nil && a.Kind() == "identifier" && !nested {
				assigned[treesitter.Text(a, w.src)] = true
			}
		}
		for i := uint(0); i < n.NamedChildCount(); i++ {
			walk(n.NamedChild(i), nested)
		}
	}
	walk(body, false)
	watch := map[string]bool{}
	for name := range assigned {
		if own[name] {
			watch[name] = true
		}
	}
	if len(watch) == 0 {
		return false
	}
	for _, c := range closures {
		if w.reads(c, watch) {
			return true
		}
	}
	return false
}

// reads reports whether an identifier of the set appears under n.
func (w *walker) reads(n *treesitter.Node, names map[string]bool) bool {
	if n.Kind() == "identifier" || n.Kind() == "shorthand_property_identifier" {
		return names[treesitter.Text(n, w.src)]
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if w.reads(n.NamedChild(i), names) {
			return true
		}
	}
	return false
}

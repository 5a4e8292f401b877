package javascript

import (
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// In TypeScript an injected line must not read a parameter or a local the
// code never reads: under noUnusedParameters or noUnusedLocals, tsc
// reports such a name (TS6133, "declared but its value is never read"),
// and the read would take that error away, so a project whose check fails
// would fail with different errors. The telemetry of a value nobody reads
// is worth little; the event is still recorded, without the value.

// readIn reports whether the identifier name is read under n, outside the
// node skip (the statement that declares or assigns it; nil for none). A
// name only assigned (x = 1, x += 1, x++) is not read, as tsc counts it;
// one inner scope's name shadowing the outer one counts as a read, which
// only keeps the value recorded.
func (w *walker) readIn(n *treesitter.Node, name string, skip *treesitter.Node) bool {
	if skip != nil && n.StartByte() == skip.StartByte() && n.EndByte() == skip.EndByte() && n.Kind() == skip.Kind() {
		return false
	}
	switch n.Kind() {
	case "identifier", "shorthand_property_identifier":
		return treesitter.Text(n, w.src) == name && !written(n)
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if w.readIn(n.NamedChild(i), name, skip) {
			return true
		}
	}
	return false
}

// written reports whether the identifier id is declared or written
// there: the name of a declarator, the target of an assignment, a
// compound assignment or an increment, none of which tsc counts as
// reading it.
func written(id *treesitter.Node) bool {
	p := id.Parent()
	if p == nil {
		return false
	}
	switch p.Kind() {
	case "variable_declarator":
		// Its declaration: let x = 0.
		l := p.ChildByFieldName("name")
		return l != nil && l.StartByte() == id.StartByte() && l.EndByte() == id.EndByte()
	case "assignment_expression", "augmented_assignment_expression":
		l := p.ChildByFieldName("left")
		return l != nil && l.StartByte() == id.StartByte() && l.EndByte() == id.EndByte()
	case "update_expression":
		return true
	}
	return false
}

// readOnly keeps the names of names that the function body reads outside
// the statement skip; every name is kept outside TypeScript or outside a
// function.
func (w *walker) readOnly(body *treesitter.Node, names []string, skip *treesitter.Node) []string {
	if !w.ts || body == nil || len(names) == 0 {
		return names
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if w.readIn(body, n, skip) {
			out = append(out, n)
		}
	}
	return out
}

// readParams keeps the parameters of the function n that its body reads,
// and its parameter properties (constructor(private name: string)), which
// tsc never reports: they are the class's fields.
func (w *walker) readParams(n, body *treesitter.Node, params []string) []string {
	if !w.ts || len(params) == 0 {
		return params
	}
	props := map[string]bool{}
	if ps := n.ChildByFieldName("parameters"); ps != nil {
		for i := uint(0); i < ps.NamedChildCount(); i++ {
			p := ps.NamedChild(i)
			pat := p.ChildByFieldName("pattern")
			if pat == nil || pat.Kind() != "identifier" {
				continue
			}
			for j := uint(0); j < p.ChildCount(); j++ {
				switch p.Child(j).Kind() {
				case "accessibility_modifier", "readonly", "override_modifier":
					props[treesitter.Text(pat, w.src)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(params))
	for _, p := range params {
		if props[p] || w.readIn(body, p, nil) {
			out = append(out, p)
		}
	}
	return out
}

package javascript

import (
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// reasonVarShadowsParam: an async function's body, and a TypeScript
// function body that declares functions, is moved into an arrow (see
// render.go). A `var` of the function's own scope that names one of its
// parameters (`var opts = opts || {}`) or `arguments` shares the binding
// the call filled in; inside the arrow it would be a new binding of the
// arrow's, undefined until assigned, and the body would read undefined
// where it read the argument.
const reasonVarShadowsParam = "its body is moved into an arrow, and it redeclares a parameter or arguments with var, which inside the arrow would be a new, undefined binding"

// varShadowsParam reports whether body declares, with var anywhere in the
// function's own scope (nested blocks and loop heads included, nested
// functions and classes not), a name among n's parameters or, for a
// function that has its own arguments object, the name arguments.
func (w *walker) varShadowsParam(n, body *treesitter.Node) bool {
	own := map[string]bool{}
	for _, p := range w.paramBindings(n) {
		own[p] = true
	}
	if n.Kind() != "arrow_function" {
		own["arguments"] = true
	}
	found := false
	var walk func(k *treesitter.Node)
	walk = func(k *treesitter.Node) {
		if found {
			return
		}
		switch k.Kind() {
		case "function_declaration", "generator_function_declaration", "function_expression", "function",
			"generator_function", "arrow_function", "method_definition", "class_declaration", "class":
			return
		case "variable_declaration":
			for _, d := range w.named(k) {
				if d.Kind() != "variable_declarator" {
					continue
				}
				for _, name := range w.boundNames(d.ChildByFieldName("name")) {
					found = found || own[name]
				}
			}
		case "for_in_statement":
			if kind := k.ChildByFieldName("kind"); kind != nil && treesitter.Text(kind, w.src) == "var" {
				for _, name := range w.boundNames(k.ChildByFieldName("left")) {
					found = found || own[name]
				}
			}
		}
		for i := uint(0); i < k.NamedChildCount(); i++ {
			walk(k.NamedChild(i))
		}
	}
	walk(body)
	return found
}

// paramBindings returns every name n's parameters bind, destructured and
// rest parameters included (params keeps only the plain ones).
func (w *walker) paramBindings(n *treesitter.Node) []string {
	if p := n.ChildByFieldName("parameter"); p != nil {
		return w.boundNames(p)
	}
	ps := n.ChildByFieldName("parameters")
	if ps == nil {
		return nil
	}
	var out []string
	for i := uint(0); i < ps.NamedChildCount(); i++ {
		p := ps.NamedChild(i)
		if p.Kind() == "required_parameter" || p.Kind() == "optional_parameter" {
			p = p.ChildByFieldName("pattern")
		}
		out = append(out, w.boundNames(p)...)
	}
	return out
}

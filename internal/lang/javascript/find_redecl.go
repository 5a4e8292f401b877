package javascript

import (
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// reasonVarShadowsParam: an async function's body, and a TypeScript
// function body that declares functions, is moved into an arrow (see
// render.go). A `var` of the function's own scope that names one of its
// parameters (`var opts = opts || {}`) or `arguments` shares the binding
// the call filled in; inside the arrow it would be a new binding of the
// arrow's, undefined until assigned, and the body would read undefined
// where it read the argument.
const reasonVarShadowsParam = "its body is moved into an arrow, and it redeclares a parameter or arguments with var, which inside the arrow would be a new, undefined binding"

// wrapperScopeSkip returns why the wrapper render.go would put around c's
// body would bind its names otherwise, or "". Async functions' bodies, and
// those of plain TypeScript functions that declare functions, move into an
// arrow; the others into a try block.
func (w *walker) wrapperScopeSkip(n, body *treesitter.Node, c source.Construct) string {
	intoArrow := c.Async && !c.Generator ||
		w.ts && !c.Generator && c.Name != "constructor" && !hasChild(n, "set") && w.declaresFunctions(body)
	switch {
	case intoArrow && w.varShadowsParam(n, body):
		return reasonVarShadowsParam
	case !intoArrow && w.blockConflict(body):
		return reasonBlockConflict
	case intoArrow && !c.Async && w.mayInferPredicate(n, body):
		return reasonTSPredicate
	}
	return ""
}

// varShadowsParam reports whether body declares, with var, a name among
// n's parameters or, for a function that has its own arguments object, the
// name arguments.
func (w *walker) varShadowsParam(n, body *treesitter.Node) bool {
	own := map[string]bool{}
	for _, p := range w.paramBindings(n) {
		own[p] = true
	}
	if n.Kind() != "arrow_function" {
		own["arguments"] = true
	}
	for _, name := range w.varNames(body) {
		if own[name] {
			return true
		}
	}
	return false
}

// reasonBlockConflict: the other bodies are wrapped in a try block, where a
// function declared at the body's top level becomes a block declaration. A
// var of the same name anywhere in the function (`var helper = ...;
// function helper() {}`), or a second declaration of the function, is then
// an early SyntaxError that the function body allowed.
const reasonBlockConflict = "a function it declares at its top level shares its name with a var or another declaration of its body, which inside the injected try block would be a SyntaxError"

// blockConflict reports whether body's top-level function declarations
// would clash once inside a block: a name declared twice, or also with var.
func (w *walker) blockConflict(body *treesitter.Node) bool {
	fns := map[string]bool{}
	for _, k := range w.named(body) {
		switch k.Kind() {
		case "function_declaration", "generator_function_declaration":
			name := k.ChildByFieldName("name")
			if name == nil {
				continue
			}
			if fns[treesitter.Text(name, w.src)] {
				return true
			}
			fns[treesitter.Text(name, w.src)] = true
		}
	}
	if len(fns) == 0 {
		return false
	}
	for _, name := range w.varNames(body) {
		if fns[name] {
			return true
		}
	}
	return false
}

// varNames returns the names body declares with var in the function's own
// scope: nested blocks and loop heads included, nested functions and
// classes not.
func (w *walker) varNames(body *treesitter.Node) []string {
	var out []string
	ownScope(body, func(k *treesitter.Node) bool {
		switch k.Kind() {
		case "variable_declaration":
			for _, d := range w.named(k) {
				if d.Kind() == "variable_declarator" {
					out = append(out, w.boundNames(d.ChildByFieldName("name"))...)
				}
			}
		case "for_in_statement":
			if kind := k.ChildByFieldName("kind"); kind != nil && treesitter.Text(kind, w.src) == "var" {
				out = append(out, w.boundNames(k.ChildByFieldName("left"))...)
			}
		}
		return true
	})
	return out
}

// ownScope calls visit with body and every node below it in the same
// function scope (nested blocks and loop heads included, nested functions
// and classes not), descending from a node only while visit returns true.
func ownScope(body *treesitter.Node, visit func(k *treesitter.Node) (descend bool)) {
	var walk func(k *treesitter.Node)
	walk = func(k *treesitter.Node) {
		switch k.Kind() {
		case "function_declaration", "generator_function_declaration", "function_expression", "function",
			"generator_function", "arrow_function", "method_definition", "class_declaration", "class":
			return
		}
		if !visit(k) {
			return
		}
		for i := uint(0); i < k.NamedChildCount(); i++ {
			walk(k.NamedChild(i))
		}
	}
	walk(body)
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

package javascript

import (
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// returnType is the return type annotation of the TypeScript function n as
// written (": Promise<T | void>"), for the arrow a rendering runs the body
// in: without it, that arrow's return type is inferred, and under
// noImplicitReturns a body that returns a value on some paths only, which
// the original's `void` in its annotation allowed, fails (TS7030). A type
// predicate or an assertion (x is T, asserts x) names parameters the arrow
// does not have, and a type across lines or with a comment would move
// lines or swallow code: none of those is copied.
//
// With no annotation, a function declaration or class method that returns
// no value has the return type void (Promise<void> when async), while an
// arrow (or an object literal's method) whose body always throws has
// never: the arrow is given the type the original inferred, so that a
// declaration emitted from the function (declaration: true) says void as
// before, not never.
//
// In JavaScript, where tsc infers the same types for a project that
// declares them from its JavaScript (allowJs), only that inferred type is
// given (the renderer writes it as JSDoc).
func (w *walker) returnType(n, body *treesitter.Node, async bool) string {
	rt := n.ChildByFieldName("return_type")
	if rt == nil && body != nil && body.Kind() == "statement_block" && !w.returnsValue(body) &&
		(n.Kind() == "function_declaration" || n.Kind() == "method_definition" && n.Parent() != nil && n.Parent().Kind() == "class_body") {
		if async {
			return ": Promise<void>"
		}
		return ": void"
	}
	if !w.ts || rt == nil || rt.Kind() != "type_annotation" {
		return ""
	}
	text := treesitter.Text(rt, w.src)
	if strings.ContainsAny(text, "\r\n") || strings.Contains(text, "//") || strings.Contains(text, "/*") {
		return ""
	}
	return text
}

// returns calls visit with every return statement of body's own function
// (nested functions and classes left out).
func (w *walker) returns(body *treesitter.Node, visit func(ret *treesitter.Node)) {
	ownScope(body, func(k *treesitter.Node) bool {
		if k.Kind() == "return_statement" {
			visit(k)
			return false
		}
		return true
	})
}

// returnsValue reports whether a return statement of body's own function
// returns a value.
func (w *walker) returnsValue(body *treesitter.Node) bool {
	found := false
	w.returns(body, func(ret *treesitter.Node) {
		found = found || ret.NamedChildCount() > 0
	})
	return found
}

// reasonTSPredicate: since TypeScript 5.5 a function without a return type
// whose one return statement tests a parameter (`return typeof v ===
// "string"`, `return isFoo(v)`) has an inferred type predicate (v is
// string). Moved into an arrow that has no parameters the body would
// return boolean, and callers that narrowed through the function, in the
// project or through its emitted declarations, would not any more.
const reasonTSPredicate = "TypeScript function whose body moves into an arrow and whose one return may give it an inferred type predicate (v is T), which the arrow would turn into boolean"

// mayInferPredicate reports whether TypeScript may infer a type predicate
// for n: no return type annotation, a parameter, and a single return
// statement whose value is a test or a call. It is conservative: it does
// not check that the value narrows a parameter.
func (w *walker) mayInferPredicate(n, body *treesitter.Node) bool {
	if n.ChildByFieldName("return_type") != nil || len(w.paramBindings(n)) == 0 {
		return false
	}
	var rets []*treesitter.Node
	w.returns(body, func(ret *treesitter.Node) { rets = append(rets, ret) })
	if len(rets) != 1 || rets[0].NamedChildCount() == 0 {
		return false
	}
	v := rets[0].NamedChild(0)
	for v.Kind() == "parenthesized_expression" && v.NamedChildCount() > 0 {
		v = v.NamedChild(0)
	}
	switch v.Kind() {
	case "binary_expression", "unary_expression", "call_expression":
		return true
	}
	return false
}

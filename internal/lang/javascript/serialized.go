package javascript

import (
	"bytes"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// evaluatingCalls are the methods of browser drivers and runtimes that take
// a function, send its source text elsewhere (a page, a worker, a fresh
// context) and run it there: puppeteer's and playwright's evaluate,
// $eval, waitForFunction, addInitScript and the like, selenium's and
// webdriverio's executeScript.
var evaluatingCalls = map[string]bool{
	"evaluate": true, "evaluateHandle": true, "$eval": true, "$$eval": true, "evaluateAll": true,
	"waitForFunction": true, "addInitScript": true, "evaluateOnNewDocument": true,
	"executeScript": true, "executeAsyncScript": true, "executeAsync": true,
}

// serializedSignals are texts without which no function of a file can be
// serialized by the rules below: most files skip the walk.
var serializedSignals = [][]byte{
	[]byte("toString"), []byte("String("), []byte("${"), []byte("evaluate"), []byte("$eval"),
	[]byte("waitForFunction"), []byte("InitScript"), []byte("OnNewDocument"), []byte("execute"),
	[]byte("Function("), []byte("eval("), []byte("runIn"), []byte("Script("), []byte("Worker("), []byte("Blob("),
}

// reasonSerialized is why a function whose source text runs elsewhere is
// left alone, with how the file serializes it.
func reasonSerialized(how string) string {
	return "its source text runs elsewhere (" + how + "): a page, worker or fresh context where the injected code finds no runtime and throws"
}

// span is a byte range of the file with what it is.
type span struct {
	start, end int
	why        string
}

// markSerialized sets Serialized on every construct of cs that lies in a
// function whose source the file turns into text: a function literal passed
// to an evaluating call (page.evaluate(() => ...)), a function or class of
// the file named in one (page.evaluate(render)), in String(f) or f.toString(), in a
// template substitution (`${f}`) or next to a string in a concatenation
// ("return (" + f + ")", for new Function, eval, vm or a worker), and a
// method or function-valued property read through its property in any of
// the calls (o.m.toString(), String(C.prototype.m), page.evaluate(o.m)).
// What is inside such a function is part of the same text. Names are
// matched file-wide, whatever the scope: leaving a function alone is the
// safe way to be wrong. named lists a node's named children.
func markSerialized(root *treesitter.Node, named func(*treesitter.Node) []treesitter.Node, src []byte, cs []source.Construct) {
	if !hasAny(src, serializedSignals) {
		return
	}
	var literals []span            // function literals serialized where they are written
	names := map[string]string{}   // named functions serialized, and how
	defs := map[string][]span{}    // every named function of the file
	members := map[string]string{} // methods serialized through a property (o.m.toString()), and how
	methods := map[string][]span{} // every function of the file held by a property, by property name
	var walk func(n *treesitter.Node)
	walk = func(n *treesitter.Node) {
		switch n.Kind() {
		case "function_declaration", "generator_function_declaration", "class_declaration":
			if id := n.ChildByFieldName("name"); id != nil {
				name := treesitter.Text(id, src)
				defs[name] = append(defs[name], span{int(n.StartByte()), int(n.EndByte()), ""})
			}
		case "variable_declarator":
			id, v := n.ChildByFieldName("name"), n.ChildByFieldName("value")
			if id != nil && v != nil && id.Kind() == "identifier" && (isFunctionLiteral(v) || v.Kind() == "class") {
				name := treesitter.Text(id, src)
				defs[name] = append(defs[name], span{int(v.StartByte()), int(v.EndByte()), ""})
			}
		case "method_definition":
			if id := n.ChildByFieldName("name"); id != nil {
				name := treesitter.Text(id, src)
				methods[name] = append(methods[name], span{int(n.StartByte()), int(n.EndByte()), ""})
			}
		case "pair", "field_definition", "public_field_definition", "assignment_expression":
			if key, v := propertyFunction(n); key != nil {
				name := treesitter.Text(key, src)
				methods[name] = append(methods[name], span{int(v.StartByte()), int(v.EndByte()), ""})
			}
		case "call_expression":
			serializedByCall(n, src, &literals, names, members)
		case "template_substitution":
			// A tagged template hands its values to the tag (styled
			// components call the functions they get); an untagged one
			// converts them to text.
			if t := n.Parent(); n.NamedChildCount() == 1 && t != nil && (t.Parent() == nil || t.Parent().Kind() != "call_expression") {
				serializedOperand(n.NamedChild(0), src, "in a template string", &literals, names)
			}
		case "binary_expression":
			if isConcatenation(n, src) && (n.Parent() == nil || !isConcatenation(n.Parent(), src)) {
				var operands []*treesitter.Node
				flattenConcatenation(n, src, &operands)
				if hasStringOperand(operands) {
					for _, o := range operands {
						serializedOperand(o, src, "concatenated with a string", &literals, names)
					}
				}
			}
		}
		kids := named(n)
		for i := range kids {
			walk(&kids[i])
		}
	}
	walk(root)
	for name, how := range names {
		for _, d := range defs[name] {
			literals = append(literals, span{d.start, d.end, how + " as " + name})
		}
	}
	for name, how := range members {
		for _, d := range methods[name] {
			literals = append(literals, span{d.start, d.end, how + " as ." + name})
		}
	}
	for i := range cs {
		for _, s := range literals {
			if cs[i].Range.Start >= s.start && cs[i].Range.End <= s.end {
				cs[i].Serialized = reasonSerialized(s.why)
				break
			}
		}
	}
}

// serializedByCall records what call n serializes: its function arguments
// when it is an evaluating call, the function String(f) converts, and the
// function whose toString n calls, directly or through call or apply. A
// property read there (o.m.toString(), String(C.prototype.m)) names a
// method: members collects those, matched with every function the file
// holds in a property of that name.
func serializedByCall(n *treesitter.Node, src []byte, literals *[]span, names, members map[string]string) {
	fn, args := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
	if fn == nil || args == nil {
		return
	}
	callee := fn
	if fn.Kind() == "member_expression" {
		callee = fn.ChildByFieldName("property")
	}
	if callee == nil {
		return
	}
	switch name := treesitter.Text(callee, src); {
	case evaluatingCalls[name]:
		for i := uint(0); i < args.NamedChildCount(); i++ {
			serializedOperand(args.NamedChild(i), src, "passed to "+name, literals, names)
			serializedMember(args.NamedChild(i), src, "passed to "+name, members)
		}
	case name == "String" && fn.Kind() == "identifier" && args.NamedChildCount() == 1:
		serializedOperand(args.NamedChild(0), src, "converted by String()", literals, names)
		serializedMember(args.NamedChild(0), src, "converted by String()", members)
	case name == "toString" && fn.Kind() == "member_expression":
		if obj := fn.ChildByFieldName("object"); obj != nil {
			serializedOperand(obj, src, "read by toString()", literals, names)
			serializedMember(obj, src, "read by toString()", members)
		}
	case (name == "call" || name == "apply") && fn.Kind() == "member_expression" && args.NamedChildCount() > 0:
		// Function.prototype.toString.call(f), or a saved fnToStr.call(f).
		obj := fn.ChildByFieldName("object")
		if obj == nil {
			return
		}
		if t := strings.ToLower(treesitter.Text(obj, src)); strings.HasSuffix(t, "tostring") || strings.HasSuffix(t, "tostr") {
			serializedOperand(args.NamedChild(0), src, "read by Function.prototype.toString", literals, names)
			serializedMember(args.NamedChild(0), src, "read by Function.prototype.toString", members)
		}
	}
}

// serializedOperand records o when it is a function literal or a plain
// name, which markSerialized matches with the file's named functions.
func serializedOperand(o *treesitter.Node, src []byte, how string, literals *[]span, names map[string]string) {
	for o.Kind() == "parenthesized_expression" && o.NamedChildCount() == 1 {
		o = o.NamedChild(0)
	}
	switch {
	case isFunctionLiteral(o):
		*literals = append(*literals, span{int(o.StartByte()), int(o.EndByte()), how})
	case o.Kind() == "identifier":
		if _, ok := names[treesitter.Text(o, src)]; !ok {
			names[treesitter.Text(o, src)] = how
		}
	}
}

// serializedMember records the property o reads (m of o.m or
// C.prototype.m), which markSerialized matches with the methods and
// function-valued properties of the file. Concatenations and templates are
// left to plain names: "id: " + this.id reads data far more often than a
// method's text.
func serializedMember(o *treesitter.Node, src []byte, how string, members map[string]string) {
	for o.Kind() == "parenthesized_expression" && o.NamedChildCount() == 1 {
		o = o.NamedChild(0)
	}
	if o.Kind() != "member_expression" {
		return
	}
	if p := o.ChildByFieldName("property"); p != nil {
		if _, ok := members[treesitter.Text(p, src)]; !ok {
			members[treesitter.Text(p, src)] = how
		}
	}
}

// propertyFunction returns the property name and the function literal of a
// property holding a function: { m: function () {} }, a class field
// m = () => {}, or o.m = function () {}.
func propertyFunction(n *treesitter.Node) (key, fn *treesitter.Node) {
	switch n.Kind() {
	case "pair":
		key, fn = n.ChildByFieldName("key"), n.ChildByFieldName("value")
	case "field_definition", "public_field_definition":
		key, fn = n.ChildByFieldName("property"), n.ChildByFieldName("value")
		if key == nil {
			key = n.ChildByFieldName("name")
		}
	case "assignment_expression":
		if left := n.ChildByFieldName("left"); left != nil && left.Kind() == "member_expression" {
			key, fn = left.ChildByFieldName("property"), n.ChildByFieldName("right")
		}
	}
	if key == nil || fn == nil || !isFunctionLiteral(fn) {
		return nil, nil
	}
	return key, fn
}

func isFunctionLiteral(n *treesitter.Node) bool {
	switch n.Kind() {
	case "arrow_function", "function_expression", "function", "generator_function":
		return true
	}
	return false
}

// isConcatenation reports whether n is a binary + expression.
func isConcatenation(n *treesitter.Node, src []byte) bool {
	if n.Kind() != "binary_expression" {
		return false
	}
	op := n.ChildByFieldName("operator")
	return op != nil && treesitter.Text(op, src) == "+"
}

// flattenConcatenation lists the operands of a chain of + expressions.
func flattenConcatenation(n *treesitter.Node, src []byte, out *[]*treesitter.Node) {
	for _, field := range []string{"left", "right"} {
		k := n.ChildByFieldName(field)
		switch {
		case k == nil:
		case isConcatenation(k, src):
			flattenConcatenation(k, src, out)
		default:
			*out = append(*out, k)
		}
	}
}

func hasStringOperand(operands []*treesitter.Node) bool {
	for _, o := range operands {
		if o.Kind() == "string" || o.Kind() == "template_string" {
			return true
		}
	}
	return false
}

func hasAny(src []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(src, w) {
			return true
		}
	}
	return false
}

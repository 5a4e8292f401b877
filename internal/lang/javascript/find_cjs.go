package javascript

import (
	"bytes"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// reasonCJSExport is why a function Node reads to find a CommonJS
// module's exports is left alone.
const reasonCJSExport = "CommonJS export getter or re-export callback: Node finds the names an ES module may import from this file by matching these functions' exact shape (cjs-module-lexer), and a line in the body would hide the export from `import { name }`"

// cjsExportReader reports whether function n is one whose shape Node's
// detection of CommonJS exports matches (cjs-module-lexer): the getter of
// `Object.defineProperty(exports, "x", { enumerable: true, get: function
// () { return m.x; } })`, which TypeScript and Babel emit for every
// re-export, or the callback of Babel's star re-export,
// `Object.keys(_m).forEach(function (key) { ... exports ... })`. Any other
// statement in their bodies makes the match fail, and `import { x }` of
// the file from an ES module then throws where it worked.
func (w *walker) cjsExportReader(n *treesitter.Node) bool {
	p := n.Parent()
	if p == nil {
		return false
	}
	switch {
	case n.Kind() == "method_definition" && w.is(n.ChildByFieldName("name"), "get"):
		return w.definesExport(p)
	case p.Kind() == "pair" && w.is(p.ChildByFieldName("key"), "get"):
		return w.definesExport(p.Parent())
	case p.Kind() == "arguments":
		call := p.Parent()
		callee := call.ChildByFieldName("function")
		if callee == nil || callee.Kind() != "member_expression" || !w.is(callee.ChildByFieldName("property"), "forEach") {
			return false
		}
		keys := callee.ChildByFieldName("object")
		if keys == nil || keys.Kind() != "call_expression" || !w.is(keys.ChildByFieldName("function"), "Object.keys") {
			return false
		}
		return bytes.Contains(w.src[n.StartByte():n.EndByte()], []byte("exports"))
	}
	return false
}

// definesExport reports whether obj is the descriptor argument of
// Object.defineProperty(exports, ...) or of module.exports.
func (w *walker) definesExport(obj *treesitter.Node) bool {
	if obj == nil || obj.Kind() != "object" {
		return false
	}
	args := obj.Parent()
	if args == nil || args.Kind() != "arguments" {
		return false
	}
	call := args.Parent()
	if call == nil || call.Kind() != "call_expression" || !w.is(call.ChildByFieldName("function"), "Object.defineProperty") {
		return false
	}
	target := args.NamedChild(0)
	return w.is(target, "exports") || w.is(target, "module.exports")
}

// is reports whether n's text is s.
func (w *walker) is(n *treesitter.Node, s string) bool {
	return n != nil && string(w.src[n.StartByte():n.EndByte()]) == s
}

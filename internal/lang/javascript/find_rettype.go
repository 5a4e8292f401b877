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
func (w *walker) returnType(n *treesitter.Node) string {
	if !w.ts {
		return ""
	}
	rt := n.ChildByFieldName("return_type")
	if rt == nil || rt.Kind() != "type_annotation" {
		return ""
	}
	text := treesitter.Text(rt, w.src)
	if strings.ContainsAny(text, "\r\n") || strings.Contains(text, "//") || strings.Contains(text, "/*") {
		return ""
	}
	return text
}

package golang

import (
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// literal records a function literal as a function of its own, named
// after what it is bound to (see literalName), and walks its body with
// its own goto statements and scope.
func (fd *finder) literal(n *node, fn *fnInfo, inLoop bool) {
	body := n.ChildByFieldName("body")
	if body == nil {
		return
	}
	name := fd.literalName(n)
	qual := fn.qual + "." + name
	list := n.ChildByFieldName("parameters")
	params, ctxParam := fd.params(list)
	c := fd.construct(source.Function, name, qual, n)
	c.Params = params
	c.Scope = params
	c.Enclosing = fn.qual
	c.InLoop = inLoop
	c.Anchor = source.Anchor{Before: int(n.StartByte()), BodyStart: int(body.StartByte()) + 1, BodyEnd: int(body.EndByte()) - 1, After: int(n.EndByte())}
	c.Context = ctxParam
	fd.literalTraits(n, &c, name)
	if c.Context == "" && fn.ctx != "" && !declares(list, fn.ctx, fd.src) && captures(body, fn.ctx, fd.src) {
		// The literal uses its definer's context (a goroutine handed
		// ctx, an errgroup task): its span takes its parent from it, as
		// the code passes it, and from nothing else.
		c.Context = fn.ctx
		c.ContextCaptured = true
	}
	switch {
	case fn.skip != "":
		// Inside a function left alone (a //go:nosplit one, say), whose
		// promises cover the literals it holds.
		c.Skip = fn.skip
	case fn.ignored || fd.ignored[int(n.StartPosition().Row)-1]:
		c.Skip = ignoreReason
	case body.StartPosition().Row == body.EndPosition().Row:
		c.Skip = "one-line function literal: a span costs more than it tells"
	}
	fd.out = append(fd.out, c)
	info := &fnInfo{qual: qual, scope: params, ctx: c.Context, hasGoto: containsGoto(body), ignored: fn.ignored || c.Skip == ignoreReason || fn.skip != "",
		header: fn.header, line: fn.line}
	if fn.skip != "" {
		info.skip = fn.skip
	}
	fd.walk(body, info, false)
}

// literalName names a function literal after what it is bound to: the
// variable or field it is assigned to (handler, s.onDone is onDone), the
// key of a composite literal, the call it is passed to with the call's
// leading string (http.HandleFunc("/users", ...) is "HandleFunc /users",
// sort.Slice(xs, ...) is "Slice callback"), or how it runs: "go" and
// "defer" for the literal a go or defer statement calls, else "func".
// Names carry no counters, so they stay put when code around them changes
// (the Ordinal tells twins apart).
func (fd *finder) literalName(n *node) string {
	p := n.Parent()
	for p != nil && p.Kind() == "parenthesized_expression" {
		n, p = p, p.Parent()
	}
	if p == nil {
		return "func"
	}
	switch p.Kind() {
	case "call_expression":
		if fn := p.ChildByFieldName("function"); fn != nil && fn.StartByte() == n.StartByte() {
			if g := p.Parent(); g != nil && (g.Kind() == "go_statement" || g.Kind() == "defer_statement") {
				return strings.TrimSuffix(g.Kind(), "_statement")
			}
		}
	case "argument_list":
		if call := p.Parent(); call != nil && call.Kind() == "call_expression" {
			callee := lastName(call.ChildByFieldName("function"), fd.src)
			if callee == "" {
				return "func"
			}
			if first := p.NamedChild(0); first != nil && first.StartByte() != n.StartByte() {
				if s, ok := stringLiteral(first, fd.src); ok {
					return callee + " " + s
				}
			}
			return callee + " callback"
		}
	case "expression_list":
		if name := fd.assignedName(n, p); name != "" {
			return name
		}
	case "literal_element":
		if kv := p.Parent(); kv != nil && kv.Kind() == "keyed_element" && kv.NamedChildCount() == 2 && kv.NamedChild(1).StartByte() == p.StartByte() {
			if key := lastName(kv.NamedChild(0).NamedChild(0), fd.src); key != "" {
				return key
			}
		}
	}
	return "func"
}

// assignedName returns the name of the variable or field the value n of
// list is assigned to, or "".
func (fd *finder) assignedName(n, list *node) string {
	st := list.Parent()
	if st == nil {
		return ""
	}
	var left *node
	switch st.Kind() {
	case "short_var_declaration", "assignment_statement":
		if st.ChildByFieldName("right") == nil || st.ChildByFieldName("right").StartByte() != list.StartByte() {
			return ""
		}
		left = st.ChildByFieldName("left")
	case "var_spec":
		left = st
	default:
		return ""
	}
	idx := -1
	for i := uint(0); i < list.NamedChildCount(); i++ {
		if list.NamedChild(i).StartByte() == n.StartByte() {
			idx = int(i)
		}
	}
	var names []*node
	for i := uint(0); i < left.NamedChildCount(); i++ {
		c := left.NamedChild(i)
		if st.Kind() == "var_spec" && left.FieldNameForNamedChild(uint32(i)) != "name" {
			continue
		}
		names = append(names, c)
	}
	if idx < 0 || idx >= len(names) {
		return ""
	}
	if name := lastName(names[idx], fd.src); name != "_" {
		return name
	}
	return ""
}

// lastName is the last name of an identifier or selector (pkg.F, s.f.g),
// or "".
func lastName(n *node, src []byte) string {
	if n == nil {
		return ""
	}
	switch n.Kind() {
	case "identifier", "field_identifier", "type_identifier":
		return treesitter.Text(n, src)
	case "selector_expression":
		return lastName(n.ChildByFieldName("field"), src)
	case "generic_type", "index_expression":
		return lastName(n.NamedChild(0), src)
	}
	return ""
}

// stringLiteral returns the value of a string literal on one line, at
// most 80 bytes.
func stringLiteral(n *node, src []byte) (string, bool) {
	if n.Kind() != "interpreted_string_literal" && n.Kind() != "raw_string_literal" {
		return "", false
	}
	text := treesitter.Text(n, src)
	s, err := strconv.Unquote(text)
	if err != nil || s == "" || len(s) > 80 || strings.ContainsAny(s, "\r\n") {
		return "", false
	}
	return s, true
}

// declares reports whether a parameter list declares name.
func declares(list *node, name string, src []byte) bool {
	if list == nil {
		return false
	}
	for i := uint(0); i < list.NamedChildCount(); i++ {
		p := list.NamedChild(i)
		for j := uint(0); j < p.NamedChildCount(); j++ {
			if c := p.NamedChild(j); c.Kind() == "identifier" && p.FieldNameForNamedChild(uint32(j)) == "name" && treesitter.Text(c, src) == name {
				return true
			}
		}
	}
	return false
}

// captures reports whether body reads the variable name of its definer:
// it mentions the identifier and never declares one of that name itself
// (a := or var of its own, a nested literal's parameter), so the name at
// the body's start is the captured variable the code goes on to use.
func captures(body *node, name string, src []byte) bool {
	used, declared := false, false
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.NamedChildCount() && !declared; i++ {
			c := n.NamedChild(i)
			switch c.Kind() {
			case "identifier":
				if treesitter.Text(c, src) == name {
					used = true
				}
			case "short_var_declaration", "range_clause":
				if left := c.ChildByFieldName("left"); left != nil && listHas(left, name, src) {
					declared = true
				}
			case "var_spec", "const_spec":
				if listHas(c, name, src) {
					declared = true
				}
			case "parameter_list":
				if declares(c, name, src) {
					declared = true
				}
			}
			if c.NamedChildCount() > 0 {
				walk(c)
			}
		}
	}
	walk(body)
	return used && !declared
}

// listHas reports whether n has an identifier child spelled name.
func listHas(n *node, name string, src []byte) bool {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if c := n.NamedChild(i); c.Kind() == "identifier" && treesitter.Text(c, src) == name {
			return true
		}
	}
	return false
}

package javascript

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// function records a function with a body and walks into it.
func (w *walker) function(n *treesitter.Node, sc scope) {
	body := n.ChildByFieldName("body")
	if body == nil {
		return // an overload signature or abstract method: nothing runs
	}
	if sc.skip == "" && w.optedOut(n) {
		sc.skip = reasonIgnore
	}
	// A context name can be a dotted assignment target (exports.handler):
	// the QualName takes all of it, the Name its last part.
	// Unnamed callbacks are named after the call they are passed to, and
	// otherwise "<anonymous>": no counters, so names stay put when code
	// around them changes (the Ordinal tells twins apart).
	path := w.nameOf(n)
	if path == "" {
		path = w.contextName(n)
	}
	name := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.HasPrefix(path, "[") {
		name = path[i+1:]
	}
	if path == "" {
		path = w.callbackName(n)
		if path == "" {
			path = "<anonymous>"
		}
		name = path
	}
	qual := join(sc.qual, path)
	params := w.params(n)
	c := source.Construct{
		Kind:       source.Function,
		Name:       name,
		QualName:   qual,
		Params:     w.readParams(n, body, params),
		Scope:      append([]string(nil), params...),
		Async:      hasChild(n, "async"),
		ReturnType: w.returnType(n, body, hasChild(n, "async")),
		Generator:  strings.Contains(n.Kind(), "generator") || hasChild(n, "*"),
		Skip:       sc.skip,
		InLoop:     sc.inLoop,
	}
	if sc.fn != nil {
		c.Enclosing = sc.fn.qual
	}
	if c.Skip == "" && w.cjsExportReader(n) {
		c.Skip = reasonCJSExport
	}
	c.Anchor = source.Anchor{Before: w.li.start(int(n.StartByte())), BodyStart: -1, BodyEnd: -1, After: -1}
	if body.Kind() == "statement_block" {
		c.Anchor.BodyStart = w.blockStart(body, true)
		c.Anchor.BodyEnd = blockEnd(body)
		c.Anchor.Inline = body.StartPosition().Row == body.EndPosition().Row
		if c.Skip == "" && w.usesIntrospection(body) {
			c.Skip = reasonCallee
		}
		if c.Skip == "" && w.ts && n.Kind() == "method_definition" && name == "constructor" && inDerivedClass(n) && w.superMustBeRoot(n) {
			c.Skip = reasonTSSuperCall
		}
		if c.Skip == "" && w.ts && !(c.Async && !c.Generator) && w.declaresFunctions(body) &&
			(c.Generator || name == "constructor" || hasChild(n, "set") || w.mentionsArguments(body)) {
			c.Skip = reasonTSNestedDecl
		}
		if c.Skip == "" {
			c.Skip = w.wrapperScopeSkip(n, body, c)
		}
		if c.Skip == "" && w.ts && w.closureNarrowing(params, body) {
			c.Skip = reasonTSClosureNarrowing
		}
	} else {
		c.Anchor.BodyStart = int(body.StartByte())
		c.Anchor.BodyEnd = realEnd(body)
		c.Anchor.Expression = true
		c.Anchor.Inline = true
	}
	w.add(c, n)
	// A method's header starts at its name, below its decorators.
	head := n
	if k := n.ChildByFieldName("name"); k != nil && n.Kind() == "method_definition" {
		head = k
	}
	fi := &fnInfo{qual: qual, seen: map[string]bool{},
		header: lang.Header(w.src, int(head.StartByte()), int(body.StartByte())), line: int(head.StartPosition().Row) + 1, body: body}
	fi.declare(params...)
	inner := scope{qual: qual, fn: fi, skip: sc.skip}
	w.visitChildren(n, inner)
}

// declaresFunctions reports whether a block declares functions among its
// own statements (see render_decl.go for why that matters).
func (w *walker) declaresFunctions(body *treesitter.Node) bool {
	for _, k := range w.named(body) {
		switch k.Kind() {
		case "function_declaration", "generator_function_declaration":
			return true
		}
	}
	return false
}

// mentionsArguments reports whether the word arguments appears in a block,
// which an arrow function would resolve differently under ES5 (TS2496).
func (w *walker) mentionsArguments(body *treesitter.Node) bool {
	return bytes.Contains(w.src[body.StartByte():body.EndByte()], []byte("arguments"))
}

func hasChild(n *treesitter.Node, kind string) bool {
	for i := uint(0); i < n.ChildCount(); i++ {
		c := n.Child(i)
		if c.Kind() == kind {
			return true
		}
		if c.Kind() == "formal_parameters" || c.Kind() == "statement_block" {
			break
		}
	}
	return false
}

// inDerivedClass reports whether the method n belongs to a class with an
// extends clause.
func inDerivedClass(n *treesitter.Node) bool {
	body := n.Parent()
	if body == nil || body.Parent() == nil {
		return false
	}
	cls := body.Parent()
	for i := uint(0); i < cls.NamedChildCount(); i++ {
		if cls.NamedChild(i).Kind() == "class_heritage" {
			return strings.Contains(cls.NamedChild(i).Kind(), "heritage") &&
				hasExtends(cls.NamedChild(i))
		}
	}
	return false
}

// superMustBeRoot reports whether TypeScript requires super() to be a
// root-level statement of the constructor n (error TS2401): its class has
// initialised properties, parameter properties or private names.
func (w *walker) superMustBeRoot(n *treesitter.Node) bool {
	if ps := n.ChildByFieldName("parameters"); ps != nil {
		for _, p := range w.named(ps) {
			for _, c := range w.all(&p) {
				if k := c.Kind(); k == "accessibility_modifier" || k == "readonly" || k == "override_modifier" {
					return true
				}
			}
		}
	}
	body := n.Parent()
	for _, m := range w.named(body) {
		switch m.Kind() {
		case "public_field_definition", "field_definition":
			if m.ChildByFieldName("value") != nil {
				return true
			}
		}
		if name := m.ChildByFieldName("name"); name != nil && name.Kind() == "private_property_identifier" {
			return true
		}
	}
	return false
}

func hasExtends(h *treesitter.Node) bool {
	for i := uint(0); i < h.ChildCount(); i++ {
		k := h.Child(i).Kind()
		if k == "extends" || k == "extends_clause" {
			return true
		}
	}
	return false
}

// findIntrospection returns the offsets just past the property names of
// arguments.callee and x.caller member expressions, in order. It finds the
// words in the text and confirms each in the tree, so comments and strings
// do not count.
func findIntrospection(root *treesitter.Node, src []byte) []int {
	var out []int
	for _, word := range []string{"callee", "caller"} {
		for i := 0; ; {
			k := bytes.Index(src[i:], []byte(word))
			if k < 0 {
				break
			}
			start, end := i+k, i+k+len(word)
			i = end
			n := root.DescendantForByteRange(uint(start), uint(end))
			if n == nil || n.Kind() != "property_identifier" || int(n.StartByte()) != start || int(n.EndByte()) != end {
				continue
			}
			m := n.Parent()
			if m == nil || m.Kind() != "member_expression" {
				continue
			}
			if obj := m.ChildByFieldName("object"); word == "caller" || obj != nil && treesitter.Text(obj, src) == "arguments" {
				out = append(out, end)
			}
		}
	}
	sort.Ints(out)
	return out
}

// usesIntrospection reports whether a confirmed introspection offset falls
// inside body.
func (w *walker) usesIntrospection(body *treesitter.Node) bool {
	i := sort.SearchInts(w.introspection, int(body.StartByte()))
	return i < len(w.introspection) && w.introspection[i] <= int(body.EndByte())
}

// nameOf returns a function's or class's own name, or "".
func (w *walker) nameOf(n *treesitter.Node) string {
	name := n.ChildByFieldName("name")
	if name == nil {
		return ""
	}
	return w.keyText(name)
}

// keyText renders a property key or name: strings lose their quotes,
// computed keys keep their brackets.
func (w *walker) keyText(k *treesitter.Node) string {
	text := treesitter.Text(k, w.src)
	if k.Kind() == "string" {
		if u, err := strconv.Unquote(`"` + strings.Trim(text, `"'`) + `"`); err == nil {
			return u
		}
		return strings.Trim(text, `"'`)
	}
	return text
}

// contextName names an anonymous function, class or object literal after
// where it is: the variable, property or assignment target it is bound to,
// or "default" for export default.
func (w *walker) contextName(n *treesitter.Node) string {
	p := n.Parent()
	for p != nil && (p.Kind() == "parenthesized_expression" || p.Kind() == "as_expression" || p.Kind() == "satisfies_expression") {
		n, p = p, p.Parent()
	}
	if p == nil {
		return ""
	}
	switch p.Kind() {
	case "variable_declarator":
		if name := p.ChildByFieldName("name"); name != nil && name.Kind() == "identifier" {
			return treesitter.Text(name, w.src)
		}
	case "pair":
		if key := p.ChildByFieldName("key"); key != nil {
			return w.keyText(key)
		}
	case "field_definition", "public_field_definition":
		for _, f := range []string{"property", "name"} {
			if key := p.ChildByFieldName(f); key != nil {
				return w.keyText(key)
			}
		}
	case "assignment_expression", "assignment_pattern", "augmented_assignment_expression":
		if left := p.ChildByFieldName("left"); left != nil {
			return w.targetName(left)
		}
	case "export_statement":
		return "default"
	}
	return ""
}

// targetName names an assignment target: an identifier, or a dotted member
// chain without its ".prototype" links (Foo.prototype.bar is Foo.bar).
func (w *walker) targetName(n *treesitter.Node) string {
	switch n.Kind() {
	case "identifier", "property_identifier", "private_property_identifier":
		return treesitter.Text(n, w.src)
	case "member_expression":
		obj := n.ChildByFieldName("object")
		prop := n.ChildByFieldName("property")
		if obj == nil || prop == nil {
			return ""
		}
		p := treesitter.Text(prop, w.src)
		if obj.Kind() == "this" {
			return p
		}
		o := w.targetName(obj)
		if o == "" {
			return p
		}
		if p == "prototype" {
			return o
		}
		return strings.TrimSuffix(o, ".prototype") + "." + p
	}
	return ""
}

// params returns the parameters that are plain identifiers (with or
// without a default value or type), leaving out destructured and rest
// parameters and TypeScript's `this` parameter.
func (w *walker) params(n *treesitter.Node) []string {
	if p := n.ChildByFieldName("parameter"); p != nil {
		if p.Kind() == "identifier" {
			return []string{treesitter.Text(p, w.src)}
		}
		return []string{}
	}
	out := []string{}
	ps := n.ChildByFieldName("parameters")
	if ps == nil {
		return out
	}
	for i := uint(0); i < ps.NamedChildCount(); i++ {
		p := ps.NamedChild(i)
		switch p.Kind() {
		case "required_parameter", "optional_parameter":
			p = p.ChildByFieldName("pattern")
		case "assignment_pattern":
			p = p.ChildByFieldName("left")
		}
		if p != nil && p.Kind() == "identifier" {
			out = append(out, treesitter.Text(p, w.src))
		}
	}
	return out
}

// markEvolving notes names declared without a type whose type TypeScript
// lets evolve (see declaration).
func (fi *fnInfo) markEvolving(names ...string) {
	if fi.evolving == nil {
		fi.evolving = map[string]bool{}
	}
	for _, n := range names {
		fi.evolving[n] = true
	}
}

// declare adds names to the enclosing function's scope, which grows as
// the walk meets declarations, so a construct's Scope holds the parameters
// and the locals declared before it.
func (fi *fnInfo) declare(names ...string) {
	for _, n := range names {
		if !fi.seen[n] {
			fi.seen[n] = true
			fi.scope = append(fi.scope, n)
		}
	}
}

// boundNames returns the identifiers a binding pattern declares.
func (w *walker) boundNames(p *treesitter.Node) []string {
	if p == nil {
		return nil
	}
	var out []string
	var walk func(n *treesitter.Node)
	walk = func(n *treesitter.Node) {
		switch n.Kind() {
		case "identifier", "shorthand_property_identifier_pattern":
			out = append(out, treesitter.Text(n, w.src))
			return
		case "pair_pattern":
			if v := n.ChildByFieldName("value"); v != nil {
				walk(v)
			}
			return
		case "assignment_pattern", "object_assignment_pattern":
			if l := n.ChildByFieldName("left"); l != nil {
				walk(l)
			}
			return
		case "object_pattern", "array_pattern", "rest_pattern":
			for i := uint(0); i < n.NamedChildCount(); i++ {
				walk(n.NamedChild(i))
			}
		}
	}
	walk(p)
	return out
}

package golang

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

type node = treesitter.Node

// finder walks one file's tree.
type finder struct {
	src      []byte
	f        *source.File
	pkg      string
	ctxName  string // the name "context" is imported as, "" if not imported
	fileSkip string
	ignored  map[int]bool // 0-based lines holding an ignore directive
	out      []source.Construct
	ordinals map[string]int
}

// fnInfo is the function whose body the walk is in.
type fnInfo struct {
	qual    string
	scope   []string
	ctx     string // the context.Context parameter a literal in it may capture, or ""
	hasGoto bool
	ignored bool   // the function opted out, and so did what is in it
	skip    string // why the function is left alone, which its literals are too
	// header and line are the declared function's signature and the line
	// it starts on, from 1 (see lang.Header): a func literal's loops and
	// variables are the declared function's, so is their header.
	header string
	line   int
}

func (l *language) find(f *source.File) ([]source.Construct, error) {
	tree, err := l.parse(context.Background(), f.Src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	defer tree.Close()
	root := tree.RootNode()
	fd := &finder{src: f.Src, f: f, ordinals: map[string]int{}}
	fd.header(root)
	for i := uint(0); i < root.NamedChildCount(); i++ {
		n := root.NamedChild(i)
		switch n.Kind() {
		case "function_declaration", "method_declaration":
			fd.function(n)
		case "var_declaration":
			// Function literals in package-level variables (var handler =
			// func...) run as functions of their own.
			fd.walk(n, &fnInfo{qual: fd.pkg, scope: []string{}, ignored: fd.ignored[int(n.StartPosition().Row)-1]}, false)
		}
	}
	for i := range fd.out {
		if fd.out[i].Kind == source.Function {
			fd.out[i].Protocol = protocol(fd.out[i].Name)
		}
	}
	if fd.fileSkip != "" {
		for i := range fd.out {
			fd.out[i].Skip = fd.fileSkip
		}
	}
	return fd.out, nil
}

// function records a function or method declaration with a body and walks
// its body for loops and variables.
func (fd *finder) function(n *node) {
	body := n.ChildByFieldName("body")
	nameNode := n.ChildByFieldName("name")
	if body == nil || nameNode == nil {
		return // implemented in assembly: nothing to instrument
	}
	name := treesitter.Text(nameNode, fd.src)
	qual := fd.pkg + "." + name
	if recv := n.ChildByFieldName("receiver"); recv != nil {
		if t := receiverType(recv, fd.src); t != "" {
			qual = fd.pkg + "." + t + "." + name
		}
	}
	params, ctxParam := fd.params(n.ChildByFieldName("parameters"))
	c := fd.construct(source.Function, name, qual, n)
	c.Params = params
	c.Scope = params
	c.Enclosing = ""
	c.Anchor = source.Anchor{Before: int(n.StartByte()), BodyStart: int(body.StartByte()) + 1, BodyEnd: int(body.EndByte()) - 1, After: int(n.EndByte())}
	c.Context = ctxParam
	if fd.ignored[int(n.StartPosition().Row)-1] {
		c.Skip = ignoreReason
	} else if body.StartPosition().Row == body.EndPosition().Row {
		// gofmt keeps a one-line body on its line only while it holds one
		// statement: a span would make gofmt reflow it for good.
		c.Skip = "one-line function: a span costs more than it tells"
	} else if d := compilerDirective(fd.src, int(n.StartByte())); d != "" {
		c.Skip = "compiler directive " + d + ": a deferred call could break what it promises (stack size, race or pointer checks)"
	}
	fd.out = append(fd.out, c)
	info := &fnInfo{qual: qual, scope: params, ctx: ctxParam, hasGoto: containsGoto(body), ignored: c.Skip != "", skip: c.Skip,
		header: lang.Header(fd.src, int(n.StartByte()), int(body.StartByte())), line: int(n.StartPosition().Row) + 1}
	fd.walk(body, info, false)
}

// receiverType returns the receiver's type name without pointer or type
// arguments: Store for (s *Store[K, V]).
func receiverType(recv *node, src []byte) string {
	text := treesitter.Text(recv, src)
	text = strings.Trim(text, "()")
	fields := strings.Fields(strings.ReplaceAll(text, "*", " "))
	if len(fields) == 0 {
		return ""
	}
	t := fields[len(fields)-1]
	if i := strings.IndexByte(t, '['); i >= 0 {
		t = t[:i]
	}
	// A receiver written "(s *Store[K, V])" splits at the comma.
	for _, f := range fields {
		if i := strings.IndexByte(f, '['); i > 0 {
			t = f[:i]
			break
		}
	}
	if !isIdent(t) {
		return ""
	}
	return t
}

// params returns the names of the parameters that telemetry may read and
// the name of the context.Context parameter, if any.
func (fd *finder) params(list *node) (names []string, ctxParam string) {
	names = []string{}
	if list == nil {
		return names, ""
	}
	for i := uint(0); i < list.NamedChildCount(); i++ {
		p := list.NamedChild(i)
		if p.Kind() != "parameter_declaration" && p.Kind() != "variadic_parameter_declaration" {
			continue
		}
		typ := ""
		if t := p.ChildByFieldName("type"); t != nil {
			typ = treesitter.Text(t, fd.src)
		}
		for j := uint(0); j < p.NamedChildCount(); j++ {
			c := p.NamedChild(j)
			if c.Kind() != "identifier" || p.FieldNameForNamedChild(uint32(j)) != "name" {
				continue
			}
			name := treesitter.Text(c, fd.src)
			if name == "_" {
				continue
			}
			if fd.ctxName != "" && typ == fd.ctxName+".Context" && ctxParam == "" {
				ctxParam = name
				continue
			}
			names = append(names, name)
		}
	}
	return names, ctxParam
}

func (fd *finder) construct(kind source.Kind, name, qual string, n *node) source.Construct {
	key := string(kind) + "\x00" + qual
	ord := fd.ordinals[key]
	fd.ordinals[key]++
	start, end := n.StartPosition(), n.EndPosition()
	return source.Construct{
		ID:       source.NewID(fd.f.Path, kind, qual, ord),
		Kind:     kind,
		Lang:     source.Go,
		Path:     fd.f.Path,
		Name:     name,
		QualName: qual,
		Ordinal:  ord,
		Range: source.Range{Start: int(n.StartByte()), End: int(n.EndByte()),
			StartLine: int(start.Row) + 1, EndLine: int(end.Row) + 1},
		Indent:    lineIndent(fd.src, int(n.StartByte())),
		Enclosing: qual,
	}
}

// walk finds loops, variable statements and function literals in a
// block.
func (fd *finder) walk(n *node, fn *fnInfo, inLoop bool) {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch c.Kind() {
		case "statement_list":
			fd.statements(c, fn, inLoop)
		case "func_literal":
			fd.literal(c, fn, inLoop)
		default:
			if c.NamedChildCount() > 0 {
				fd.walk(c, fn, inLoop)
			}
		}
	}
}

// statements handles the statements of one statement list, where code can
// be inserted before and after each.
func (fd *finder) statements(list *node, fn *fnInfo, inLoop bool) {
	// A block on one line (a func literal's "{ n *= 2 }") gets nothing:
	// gofmt keeps it on one line only while it holds one statement.
	oneLine := list.Parent() != nil && list.Parent().StartPosition().Row == list.Parent().EndPosition().Row
	for i := uint(0); i < list.NamedChildCount(); i++ {
		st := list.NamedChild(i)
		if oneLine {
			fd.walk(st, fn, inLoop)
			continue
		}
		loopNode, before := st, st
		for loopNode.Kind() == "labeled_statement" {
			inner := lastNamedChild(loopNode)
			if inner == nil || inner.Kind() == "label_name" {
				break
			}
			loopNode = inner
		}
		switch loopNode.Kind() {
		case "for_statement":
			fd.loop(loopNode, before, fn, inLoop)
			continue
		case "short_var_declaration", "assignment_statement", "var_declaration":
			if loopNode == st {
				fd.variable(st, fn, inLoop)
			}
		}
		fd.walk(st, fn, inLoop)
	}
}

func (fd *finder) loop(n, before *node, fn *fnInfo, inLoop bool) {
	body := n.ChildByFieldName("body")
	if body == nil {
		return
	}
	c := fd.construct(source.Loop, "for", fn.qual, n)
	c.Header, c.HeaderLine = fn.header, fn.line
	c.Scope = fn.scope
	c.InLoop = inLoop
	c.Anchor = source.Anchor{Before: int(before.StartByte()), BodyStart: int(body.StartByte()) + 1, BodyEnd: int(body.EndByte()) - 1, After: int(n.EndByte())}
	if fn.hasGoto {
		// The counter the loop's ticks use is declared before the loop,
		// and a goto may not jump over a declaration: no tick, so no
		// place for one in the body.
		c.Anchor.BodyStart = -1
	}
	switch {
	case fn.ignored || fd.ignored[int(before.StartPosition().Row)-1]:
		c.Skip = ignoreReason
	case fn.hasGoto && before != n:
		// A goto may reach the label from code that ends in a return:
		// a call put before the label would be unreachable code (go vet).
		c.Skip = "labeled loop in a function with goto: nothing can go before its label"
	}
	fd.out = append(fd.out, c)
	fd.walk(body, fn, true)
}

// variable records an assignment or declaration whose left side is plain
// identifiers, on a statement of its own.
func (fd *finder) variable(st *node, fn *fnInfo, inLoop bool) {
	var targets []string
	ok := true
	add := func(n *node) {
		if n.Kind() != "identifier" {
			ok = false
			return
		}
		if name := treesitter.Text(n, fd.src); name != "_" {
			targets = append(targets, name)
		}
	}
	switch st.Kind() {
	case "short_var_declaration", "assignment_statement":
		left := st.ChildByFieldName("left")
		if left == nil {
			return
		}
		for i := uint(0); i < left.NamedChildCount(); i++ {
			add(left.NamedChild(i))
		}
	case "var_declaration":
		spec := st.NamedChild(0)
		if spec == nil || spec.Kind() != "var_spec" || spec.ChildByFieldName("value") == nil {
			return
		}
		for i := uint(0); i < spec.NamedChildCount(); i++ {
			if spec.FieldNameForNamedChild(uint32(i)) == "name" {
				add(spec.NamedChild(i))
			}
		}
	}
	if !ok || len(targets) == 0 || bindsFuncLiteral(st) {
		return
	}
	c := fd.construct(source.Variable, targets[0], fn.qual, st)
	c.Header, c.HeaderLine = fn.header, fn.line
	c.Targets = targets
	c.Scope = append(append([]string{}, fn.scope...), targets...)
	c.InLoop = inLoop
	c.Anchor = source.Anchor{Before: int(st.StartByte()), BodyStart: -1, BodyEnd: -1, After: int(st.EndByte())}
	if fn.ignored || fd.ignored[int(st.StartPosition().Row)-1] {
		c.Skip = ignoreReason
	}
	fd.out = append(fd.out, c)
}

// bindsFuncLiteral reports whether an assignment or declaration has a
// function literal among its values. Such a variable is left alone: its
// shape says only "func", and the address a record takes would stop the
// compiler from calling the closure directly, so what the closure is
// given moves to the heap (golang.org/x/exp/slog's JSON string escaper, a
// local closure str, allocated at every call at --density high).
func bindsFuncLiteral(st *node) bool {
	values := st.ChildByFieldName("right")
	if st.Kind() == "var_declaration" {
		values = st.NamedChild(0).ChildByFieldName("value")
	}
	if values == nil {
		return false
	}
	for i := uint(0); i < values.NamedChildCount(); i++ {
		v := values.NamedChild(i)
		for v.Kind() == "parenthesized_expression" && v.NamedChildCount() > 0 {
			v = v.NamedChild(0)
		}
		if v.Kind() == "func_literal" {
			return true
		}
	}
	return false
}

// containsGoto reports whether a function body holds a goto statement of
// its own (not one inside a function literal).
func containsGoto(n *node) bool {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch c.Kind() {
		case "goto_statement":
			return true
		case "func_literal":
			continue
		}
		if c.NamedChildCount() > 0 && containsGoto(c) {
			return true
		}
	}
	return false
}

func lastNamedChild(n *node) *node {
	if k := n.NamedChildCount(); k > 0 {
		return n.NamedChild(k - 1)
	}
	return nil
}

func lineIndent(src []byte, at int) string {
	start := bytes.LastIndexByte(src[:at], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

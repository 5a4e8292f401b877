package golang

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

type node = treesitter.Node

// generated matches the line that marks a generated Go file
// (https://go.dev/s/generatedcode).
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.\r?$`)

// The opt-out directives, written "//telemetry-inject:ignore" (the Go
// directive style) or "// telemetry-inject: ignore" (the other languages').
const (
	ignoreReason   = "opted out with //telemetry-inject:ignore"
	ignoreFileSkip = "file opted out with //telemetry-inject:ignore-file"
)

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
	hasGoto bool
	ignored bool // the function opted out, and so did what is in it
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
		}
	}
	if fd.fileSkip != "" {
		for i := range fd.out {
			fd.out[i].Skip = fd.fileSkip
		}
	}
	return fd.out, nil
}

// header reads the package clause, the imports and the comments, and sets
// fileSkip when the file as a whole must be left alone.
func (fd *finder) header(root *node) {
	head := fd.src
	for i := uint(0); i < root.NamedChildCount(); i++ {
		n := root.NamedChild(i)
		switch n.Kind() {
		case "package_clause":
			head = fd.src[:n.StartByte()]
			for j := uint(0); j < n.NamedChildCount(); j++ {
				if c := n.NamedChild(j); c.Kind() == "package_identifier" {
					fd.pkg = treesitter.Text(c, fd.src)
				}
			}
		case "import_declaration":
			fd.imports(n)
		case "comment":
			fd.comment(n)
		}
	}
	switch {
	case generated.Match(head):
		fd.fileSkip = "generated file (// Code generated ... DO NOT EDIT.)"
	case buildIgnore(head):
		fd.fileSkip = "file excluded from builds (//go:build ignore)"
	case strings.HasSuffix(fd.pkg, "_test"):
		fd.fileSkip = "external test package: it cannot see the package's runtime file"
	case strings.HasSuffix(fd.f.Path, "_test.go"):
		fd.fileSkip = "Go test file"
	}
	if fd.fileSkip == "" && bytes.Contains(fd.src, []byte("telemetry-inject")) {
		fd.directives(root)
	}
}

// buildIgnore reports whether a file's header excludes it from every build
// with the conventional "ignore" tag (generators run with go run).
func buildIgnore(head []byte) bool {
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		if expr, ok := strings.CutPrefix(line, "//go:build "); ok {
			return strings.TrimSpace(expr) == "ignore"
		}
		if expr, ok := strings.CutPrefix(line, "// +build "); ok && strings.TrimSpace(expr) == "ignore" {
			return true
		}
	}
	return false
}

func (fd *finder) imports(decl *node) {
	var specs []*node
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			switch c.Kind() {
			case "import_spec":
				specs = append(specs, c)
			case "import_spec_list":
				walk(c)
			}
		}
	}
	walk(decl)
	for _, s := range specs {
		path := s.ChildByFieldName("path")
		if path == nil {
			continue
		}
		p := strings.Trim(treesitter.Text(path, fd.src), "\"`")
		name := s.ChildByFieldName("name")
		switch {
		case p == "C":
			fd.fileSkip = "cgo file (import \"C\"): left alone"
		case p == "context" && name == nil:
			fd.ctxName = "context"
		case p == "context" && name.Kind() == "package_identifier":
			fd.ctxName = treesitter.Text(name, fd.src)
		}
	}
}

// directives records the lines of ignore directives anywhere in the file.
func (fd *finder) directives(root *node) {
	fd.ignored = map[int]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.ChildCount(); i++ {
			c := n.Child(i)
			if c.Kind() == "comment" {
				fd.comment(c)
			} else if c.ChildCount() > 0 {
				walk(c)
			}
		}
	}
	walk(root)
}

func (fd *finder) comment(c *node) {
	text := treesitter.Text(c, fd.src)
	rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(text, "//")), "telemetry-inject:")
	if !ok {
		return
	}
	switch d := strings.Fields(rest); {
	case len(d) > 0 && d[0] == "ignore-file":
		fd.fileSkip = ignoreFileSkip
	case len(d) > 0 && d[0] == "ignore":
		if fd.ignored == nil {
			fd.ignored = map[int]bool{}
		}
		fd.ignored[int(c.StartPosition().Row)] = true
	}
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
	// The context parameter travels to the renderer in BodyIndent, which
	// Go's renderer has no other use for (it never breaks a line).
	c.Anchor.BodyIndent = ctxParam
	if fd.ignored[int(n.StartPosition().Row)-1] {
		c.Skip = ignoreReason
	} else if d := compilerDirective(fd.src, int(n.StartByte())); d != "" {
		c.Skip = "compiler directive " + d + ": a deferred call could break what it promises (stack size, race or pointer checks)"
	}
	fd.out = append(fd.out, c)
	info := &fnInfo{qual: qual, scope: params, hasGoto: containsGoto(body), ignored: c.Skip != ""}
	fd.walk(body, info, false)
}

// compilerDirective returns the first //go: directive in the comment lines
// right above a declaration starting at start, other than //go:noinline,
// or "". //go:nosplit functions must fit a tiny stack, which a defer
// statement may exceed; //go:norace, //go:nocheckptr and the runtime's
// own directives promise things about every call the body makes.
func compilerDirective(src []byte, start int) string {
	end := bytes.LastIndexByte(src[:start], '\n')
	for end > 0 {
		begin := bytes.LastIndexByte(src[:end], '\n') + 1
		line := bytes.TrimSpace(src[begin:end])
		if !bytes.HasPrefix(line, []byte("//")) {
			return ""
		}
		if d, ok := bytes.CutPrefix(line, []byte("//go:")); ok {
			if f := bytes.Fields(d); len(f) > 0 && string(f[0]) != "noinline" {
				return "//go:" + string(f[0])
			}
		}
		end = begin - 1
	}
	return ""
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

// walk finds loops and variable statements in a block. Function literals
// are walked as part of the function they are in, but their goto
// statements are their own.
func (fd *finder) walk(n *node, fn *fnInfo, inLoop bool) {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch c.Kind() {
		case "statement_list":
			fd.statements(c, fn, inLoop)
		case "func_literal":
			if body := c.ChildByFieldName("body"); body != nil {
				inner := &fnInfo{qual: fn.qual, scope: fn.scope, hasGoto: containsGoto(body), ignored: fn.ignored}
				fd.walk(body, inner, false)
			}
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
	for i := uint(0); i < list.NamedChildCount(); i++ {
		st := list.NamedChild(i)
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
	c.Scope = fn.scope
	c.InLoop = inLoop
	c.Anchor = source.Anchor{Before: int(before.StartByte()), BodyStart: int(body.StartByte()) + 1, BodyEnd: int(body.EndByte()) - 1, After: int(n.EndByte())}
	if fn.hasGoto {
		// The counter the loop's ticks use is declared before the loop,
		// and a goto may not jump over a declaration: no counting here.
		c.Anchor.Inline = true
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
	if !ok || len(targets) == 0 {
		return
	}
	c := fd.construct(source.Variable, targets[0], fn.qual, st)
	c.Targets = targets
	c.Scope = append(append([]string{}, fn.scope...), targets...)
	c.InLoop = inLoop
	c.Anchor = source.Anchor{Before: int(st.StartByte()), BodyStart: -1, BodyEnd: -1, After: int(st.EndByte())}
	if fn.ignored || fd.ignored[int(st.StartPosition().Row)-1] {
		c.Skip = ignoreReason
	}
	fd.out = append(fd.out, c)
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

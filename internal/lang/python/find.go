package python

import (
	"bytes"
	"context"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// node is the tree-sitter node type.
type node = treesitter.Node

// scope is the function whose locals a construct sees. Its locals grow as
// the walk meets assignments, so constructs point at it and get their Scope
// filled once the whole function has been walked.
type scope struct {
	params []string
	locals []string
	seen   map[string]bool
}

func newScope(params []string) *scope {
	s := &scope{params: params, seen: map[string]bool{}}
	for _, p := range params {
		s.seen[p] = true
	}
	return s
}

func (s *scope) bind(names ...string) {
	for _, n := range names {
		if !s.seen[n] {
			s.seen[n] = true
			s.locals = append(s.locals, n)
		}
	}
}

func (s *scope) names() []string {
	out := make([]string, 0, len(s.params)+len(s.locals))
	out = append(out, s.params...)
	return append(out, s.locals...)
}

// walkCtx is what the walk knows about where it is.
type walkCtx struct {
	qual    string // qualified name of the innermost class or function ("" prefix: module)
	fnQual  string // QualName of the innermost function whose body this is, or ""
	header  string // that function's signature (see lang.Header)
	line    int    // the line its def (or async def) is on, from 1
	fn      *scope // that function's scope, nil at module or class level
	ignored string // a skip reason inherited from an opt-out directive
	inLoop  bool   // inside a loop body of the same function (or of the module's top level)
}

type finder struct {
	ids      *fieldIDs
	children func(*node) []node // a node's children, read with one reused cursor
	f        *source.File
	src      []byte
	module   string
	dirs     map[int]lineComment // 0-based row → directive comment; nil when the file has none
	ordinals map[string]int
	out      []source.Construct
	scopes   []*scope // scopes[i] is the scope out[i] sees, or nil
	fileSkip string
	// byCall maps the names of functions handed to a compiler by a call
	// to the reason they are left alone (see compiledByCall).
	byCall map[string]string
	// firstLineRead maps the names of functions whose first line the file
	// reads to the reason they are left alone (see firstLineReaders).
	firstLineRead map[string]string
}

// find parses f and returns its constructs in source order.
func (l *language) find(f *source.File) ([]source.Construct, error) {
	tree, err := l.parser.Parse(context.Background(), f.Src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	if err := treesitter.SyntaxError(root, f.Src); err != nil {
		return nil, err
	}
	fd := &finder{ids: l.ids, f: f, src: f.Src, module: moduleOf(f), ordinals: map[string]int{}}
	cursor := root.Walk()
	defer cursor.Close()
	fd.children = func(n *node) []node { return n.Children(cursor) }
	fd.collectComments(root)
	fd.byCall = fd.compiledByCall(root)
	fd.firstLineRead = firstLineReaders(fd.src)
	fd.walkBlock(root, walkCtx{qual: fd.module, ignored: fd.fileSkip})
	for i, s := range fd.scopes {
		if s != nil {
			fd.out[i].Scope = s.names()
		} else {
			fd.out[i].Scope = []string{}
		}
	}
	for i := range fd.out {
		if fd.out[i].Kind == source.Function {
			functionTraits(f.Src, &fd.out[i])
		}
	}
	return fd.out, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// compound reports whether a node of this kind can hold statements.
func compound(kind string) bool {
	switch kind {
	case "module", "block", "if_statement", "elif_clause", "else_clause",
		"try_statement", "except_clause", "except_group_clause", "finally_clause",
		"with_statement", "match_statement", "case_clause":
		return true
	}
	return false
}

// walkBlock visits the statements under n, which is a module, block or
// compound statement.
func (fd *finder) walkBlock(n *node, ctx walkCtx) {
	// Children through a cursor: Child(i) walks from the first child on
	// every call, which made long blocks quadratic.
	children := fd.children(n)
	for i := range children {
		fd.walkStmt(&children[i], n, ctx)
	}
}

func (fd *finder) walkStmt(n, parent *node, ctx walkCtx) {
	switch kind := n.Kind(); kind {
	case "function_definition":
		fd.function(n, n, ctx)
	case "class_definition":
		fd.class(n, n, ctx)
	case "decorated_definition":
		def := n.ChildByFieldId(fd.ids.definition)
		if def == nil {
			return
		}
		if def.Kind() == "function_definition" {
			fd.function(n, def, ctx)
		} else if def.Kind() == "class_definition" {
			fd.class(n, def, ctx)
		}
	case "for_statement", "while_statement":
		fd.loop(n, ctx)
	case "expression_statement":
		fd.assignment(n, parent, ctx)
	case "with_statement":
		if ctx.fn != nil {
			fd.withTargets(n, ctx.fn)
		}
		fd.walkBlock(n, ctx)
	default:
		if compound(kind) {
			fd.walkBlock(n, ctx)
		}
	}
}

// withTargets binds the names after "as" in a with statement's header.
func (fd *finder) withTargets(n *node, s *scope) {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		clause := n.NamedChild(i)
		if clause.Kind() != "with_clause" {
			continue
		}
		for j := uint(0); j < clause.NamedChildCount(); j++ {
			item := clause.NamedChild(j)
			v := item.ChildByFieldId(fd.ids.value)
			if item.Kind() != "with_item" || v == nil || v.Kind() != "as_pattern" {
				continue
			}
			if names, ok := patternNames(v.ChildByFieldId(fd.ids.alias), fd.src, nil); ok {
				s.bind(names...)
			}
		}
	}
}

// add appends a construct with its ID and ordinal filled in.
func (fd *finder) add(c source.Construct, s *scope) {
	key := string(c.Kind) + "\x00" + c.QualName
	c.Ordinal = fd.ordinals[key]
	fd.ordinals[key]++
	c.ID = source.NewID(fd.f.Path, c.Kind, c.QualName, c.Ordinal)
	c.Lang = source.Python
	c.Path = fd.f.Path
	fd.out = append(fd.out, c)
	fd.scopes = append(fd.scopes, s)
}

func (fd *finder) rng(n *node) source.Range {
	return source.Range{
		Start: int(n.StartByte()), End: int(n.EndByte()),
		StartLine: int(n.StartPosition().Row) + 1, EndLine: int(n.EndPosition().Row) + 1,
	}
}

func (fd *finder) class(outer, def *node, ctx walkCtx) {
	name := fd.text(def.ChildByFieldId(fd.ids.name))
	if r := fd.optOut(outer, def); r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := compiledBy(outer, fd.src); r != "" && ctx.ignored == "" {
		// numba's jitclass compiles every method.
		ctx.ignored = r
	}
	body := def.ChildByFieldId(fd.ids.body)
	if body == nil {
		return
	}
	// A class body runs where the class statement is, in a loop too.
	fd.walkBlock(body, walkCtx{qual: join(ctx.qual, name), ignored: ctx.ignored, inLoop: ctx.inLoop})
}

func (fd *finder) function(outer, def *node, ctx walkCtx) {
	name := fd.text(def.ChildByFieldId(fd.ids.name))
	qual := join(ctx.qual, name)
	body := def.ChildByFieldId(fd.ids.body)
	paramList := def.ChildByFieldId(fd.ids.parameters)
	params := paramNames(paramList, fd.src, fd.ids)
	s := newScope(params)
	if r := fd.optOut(outer, def); r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := compiledBy(outer, fd.src); r != "" && ctx.ignored == "" {
		// Its loops, variables and nested functions are compiled with it.
		ctx.ignored = r
	}
	if r := fd.byCall[name]; r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := fd.firstLineRead[name]; r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := fd.decoratesWithParam(body, params); r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := readsOwnLines(body, fd.src); r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	if r := installsTracer(body, fd.src); r != "" && ctx.ignored == "" {
		ctx.ignored = r
	}
	c := source.Construct{
		Kind: source.Function, Name: name, QualName: qual,
		Range: fd.rng(outer), Indent: fd.indentAt(int(outer.StartByte())),
		Enclosing: ctx.fnQual, Params: callerParams(params, boundGlobals(paramList, fd.src, fd.ids)),
		Async: def.Child(0) != nil && def.Child(0).Kind() == "async",
		Skip:  ctx.ignored, InLoop: ctx.inLoop,
		Anchor: source.Anchor{Before: lineStart(fd.src, int(def.StartByte())), BodyStart: -1, BodyEnd: -1, After: fd.lineAfter(outer)},
	}
	// No skip for functions that look at stack frames any more: the span
	// is a with block inside the function's own frame, so sys._getframe,
	// inspect.stack, f_back walks and warnings' stacklevel see exactly the
	// frames they saw before (the earlier wrapper-frame rules are gone).
	if body != nil {
		c.Generator = hasYield(body, fd.src)
		c.Docstring = opensWithDocstring(body)
		reason := fd.withAnchor(body, &c.Anchor)
		if c.Skip == "" {
			c.Skip = reason
		}
	}
	if c.Skip == "" && outer != def && isOverload(outer, fd.src) {
		c.Skip = "typing overload: a declaration for type checkers whose body never runs"
	}
	fd.add(c, s)
	if body != nil {
		fd.walkBlock(body, walkCtx{qual: qual, fnQual: qual, header: lang.Header(fd.src, int(def.StartByte()), fd.colon(def, body)), line: int(def.StartPosition().Row) + 1, fn: s, ignored: ctx.ignored})
	}
}

// colon is where a def's body begins: the first colon after its
// parameters (a return annotation holds none outside strings, and one in a
// string stands on the colon's line in all but contrived code), or the
// body's start.
func (fd *finder) colon(def, body *node) int {
	from, to := int(body.StartByte()), int(body.StartByte())
	if p := def.ChildByFieldId(fd.ids.parameters); p != nil && int(p.EndByte()) <= to {
		from = int(p.EndByte())
	}
	if i := bytes.IndexByte(fd.src[from:to], ':'); i >= 0 {
		return from + i
	}
	return to
}

func (fd *finder) loop(n *node, ctx walkCtx) {
	name := "while"
	if n.Kind() == "for_statement" {
		left := n.ChildByFieldId(fd.ids.left)
		name = strings.Join(strings.Fields(fd.text(left)), " ")
		if ctx.fn != nil && left != nil {
			if names, ok := patternNames(left, fd.src, nil); ok {
				ctx.fn.bind(names...)
			}
		}
	}
	qual := ctx.fnQual
	if qual == "" {
		qual = ctx.qual
	}
	body := n.ChildByFieldId(fd.ids.body)
	c := source.Construct{
		Kind: source.Loop, Name: name, QualName: qual,
		Range: fd.rng(n), Indent: fd.indentAt(int(n.StartByte())),
		Enclosing: ctx.fnQual, Skip: ctx.ignored, InLoop: ctx.inLoop,
		Anchor: source.Anchor{Before: lineStart(fd.src, int(n.StartByte())), BodyStart: -1, BodyEnd: -1, After: fd.lineAfter(n)},
	}
	if body != nil {
		c.Anchor.BodyStart, c.Anchor.BodyIndent, c.Anchor.Inline = fd.bodyStart(body)
		c.Anchor.BodyEnd = int(body.EndByte())
	}
	c.Header, c.HeaderLine = ctx.header, ctx.line
	fd.add(c, ctx.fn)
	// The body runs once per iteration; the else clause runs once.
	for _, child := range fd.children(n) {
		inner := ctx
		if body != nil && child.StartByte() == body.StartByte() && child.EndByte() == body.EndByte() {
			inner.inLoop = true
		}
		fd.walkStmt(&child, n, inner)
	}
}

// assignment records the names an expression statement binds and, inside a
// function and on a line of its own, makes it a variable construct.
func (fd *finder) assignment(n, parent *node, ctx walkCtx) {
	if ctx.fn == nil {
		return
	}
	a := n.NamedChild(0)
	if a == nil || n.NamedChildCount() != 1 {
		return
	}
	var targets []string
	switch a.Kind() {
	case "assignment":
		for cur := a; cur != nil && cur.Kind() == "assignment"; cur = cur.ChildByFieldId(fd.ids.right) {
			if cur.ChildByFieldId(fd.ids.right) == nil {
				break // a bare annotation binds nothing
			}
			if names, ok := patternNames(cur.ChildByFieldId(fd.ids.left), fd.src, nil); ok {
				targets = append(targets, names...)
			}
		}
	case "augmented_assignment":
		if l := a.ChildByFieldId(fd.ids.left); l != nil && l.Kind() == "identifier" {
			targets = []string{fd.text(l)}
		}
	default:
		return
	}
	targets = dedupe(targets)
	if len(targets) == 0 {
		return
	}
	ctx.fn.bind(targets...)
	if inlineBlock(fd.src, parent) {
		return
	}
	last := lastOnLine(n, fd.src)
	if deletedOnLine(n, last, fd.src, targets) {
		return // the record, after the line, would read an unbound name
	}
	c := source.Construct{
		Kind: source.Variable, Name: targets[0], QualName: ctx.fnQual,
		Range: fd.rng(n), Indent: fd.indentAt(int(n.StartByte())),
		Enclosing: ctx.fnQual, Targets: targets, Skip: ctx.ignored, InLoop: ctx.inLoop,
		Anchor: source.Anchor{Before: lineStart(fd.src, int(n.StartByte())), BodyStart: -1, BodyEnd: -1, After: fd.lineAfter(last)},
	}
	c.Header, c.HeaderLine = ctx.header, ctx.line
	fd.add(c, ctx.fn)
}

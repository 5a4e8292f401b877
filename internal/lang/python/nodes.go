package python

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// lineStart returns the offset of the start of the line holding pos. The
// first line starts after a byte order mark, which must stay first.
func lineStart(src []byte, pos int) int {
	start := bytes.LastIndexByte(src[:pos], '\n') + 1
	if start == 0 && pos >= 3 && bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		return 3
	}
	return start
}

// lineEnd returns the offset just past the line ending of the line holding
// pos, or len(src) on a last line without one.
func lineEnd(src []byte, pos int) int {
	if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(src)
}

// indentAt returns the leading whitespace of the line holding pos.
func (fd *finder) indentAt(pos int) string {
	return leadingSpace(fd.src, lineStart(fd.src, pos))
}

func leadingSpace(src []byte, start int) string {
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t' || src[end] == '\f') {
		end++
	}
	return string(src[start:end])
}

// lastOnLine returns the last sibling that shares n's last line, so that a
// line inserted after n also comes after "n; other = [" and whatever that
// other statement continues onto later lines.
func lastOnLine(n *node, src []byte) *node {
	// Asking for the next sibling costs a walk over the parent's children,
	// so first see whether anything but a comment follows on the line.
	rest := src[n.EndByte():lineEnd(src, int(n.EndByte()))]
	if t := bytes.TrimLeft(rest, " \t\f\r\n"); len(t) == 0 || t[0] == '#' {
		return n
	}
	cur := n
	for sib := cur.NextSibling(); sib != nil && sib.StartPosition().Row == cur.EndPosition().Row; sib = sib.NextSibling() {
		cur = sib
	}
	return cur
}

// deletedOnLine reports whether a statement after n, up to last on n's
// line, deletes one of names (`x = 1; pass; del x`): a record written after
// the line would read a name no longer bound and raise. A deleted subscript
// or attribute (`v = d[k]; del d[k]`) leaves the names bound.
func deletedOnLine(n, last *node, src []byte, names []string) bool {
	for sib := n.NextSibling(); sib != nil && sib.StartByte() <= last.StartByte(); sib = sib.NextSibling() {
		if sib.Kind() != "delete_statement" {
			continue
		}
		for _, d := range deletedNames(sib, src, nil) {
			if slices.Contains(names, d) {
				return true
			}
		}
	}
	return false
}

// deletedNames appends the plain names a del statement's targets unbind,
// looking through tuples, lists and parentheses.
func deletedNames(n *node, src []byte, acc []string) []string {
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		switch c.Kind() {
		case "identifier":
			acc = append(acc, string(src[c.StartByte():c.EndByte()]))
		case "expression_list", "tuple", "list", "parenthesized_expression":
			acc = deletedNames(c, src, acc)
		}
	}
	return acc
}

// lineAfter returns where a line following n goes.
func (fd *finder) lineAfter(n *node) int {
	return lineEnd(fd.src, int(lastOnLine(n, fd.src).EndByte()))
}

// bodyStart returns where code that runs first in block goes, the
// indentation it needs, and whether the body shares the header's line.
func (fd *finder) bodyStart(block *node) (int, string, bool) {
	for i := uint(0); i < block.NamedChildCount(); i++ {
		s := block.NamedChild(i)
		if s.Kind() == "comment" {
			continue
		}
		start := int(s.StartByte())
		if afterColon(fd.src, start) {
			return start, "", true
		}
		ls := lineStart(fd.src, start)
		return ls, leadingSpace(fd.src, ls), false
	}
	return -1, "", false
}

// inlineBlock reports whether block is a one-line body sharing its header's
// line, as in "if x: y = 1".
func inlineBlock(src []byte, block *node) bool {
	if block.Kind() != "block" {
		return false
	}
	return afterColon(src, int(block.StartByte()))
}

// afterColon reports whether only spaces and backslash continuations stand
// between pos and a preceding ":", that is, whether pos is on the logical
// line of a block header.
func afterColon(src []byte, pos int) bool {
	for i := pos - 1; i >= 0; {
		switch src[i] {
		case ' ', '\t', '\f', '\r':
			i--
		case '\n':
			j := i - 1
			if j >= 0 && src[j] == '\r' {
				j--
			}
			if j < 0 || src[j] != '\\' {
				return false
			}
			i = j - 1
		case ':':
			return true
		default:
			return false
		}
	}
	return false
}

// patternNames appends the identifiers an assignment target binds, and
// reports false when the target is anything but names (an attribute, a
// subscript), possibly destructured.
func patternNames(n *node, src []byte, acc []string) ([]string, bool) {
	if n == nil {
		return acc, false
	}
	switch n.Kind() {
	case "identifier":
		return append(acc, string(src[n.StartByte():n.EndByte()])), true
	case "pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern",
		"parenthesized_expression", "as_pattern_target", "tuple", "list", "expression_list":
		any := false
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if c.Kind() == "comment" {
				continue
			}
			var ok bool
			if acc, ok = patternNames(c, src, acc); !ok {
				return acc, false
			}
			any = true
		}
		return acc, any
	}
	return acc, false
}

// paramNames returns the plain identifier parameters, *args and **kwargs
// included, in order.
func paramNames(params *node, src []byte, ids *fieldIDs) []string {
	out := []string{}
	if params == nil {
		return out
	}
	for i := uint(0); i < params.NamedChildCount(); i++ {
		p := params.NamedChild(i)
		var id *node
		switch p.Kind() {
		case "identifier":
			id = p
		case "default_parameter", "typed_default_parameter":
			id = p.ChildByFieldId(ids.name)
		case "typed_parameter", "list_splat_pattern", "dictionary_splat_pattern":
			id = p.NamedChild(0)
			if id != nil && (id.Kind() == "list_splat_pattern" || id.Kind() == "dictionary_splat_pattern") {
				id = id.NamedChild(0)
			}
		}
		if id != nil && id.Kind() == "identifier" {
			out = append(out, string(src[id.StartByte():id.EndByte()]))
		}
	}
	return out
}

// boundGlobals lists the parameters whose default is the global or
// built-in of the same name (`len=len`, `ValueError=ValueError`): the
// standard library's idiom for turning globals into fast locals, and
// closures' way of capturing a loop variable. No caller passes them, so
// they say nothing about a call and are no span attribute.
func boundGlobals(params *node, src []byte, ids *fieldIDs) map[string]bool {
	var out map[string]bool // most functions have none: nil, no allocation
	if params == nil {
		return nil
	}
	for i := uint(0); i < params.NamedChildCount(); i++ {
		p := params.NamedChild(i)
		if k := p.Kind(); k != "default_parameter" && k != "typed_default_parameter" {
			continue
		}
		id, v := p.ChildByFieldId(ids.name), p.ChildByFieldId(ids.value)
		if id == nil || v == nil || id.Kind() != "identifier" || v.Kind() != "identifier" {
			continue
		}
		if name := src[id.StartByte():id.EndByte()]; bytes.Equal(name, src[v.StartByte():v.EndByte()]) {
			if out == nil {
				out = map[string]bool{}
			}
			out[string(name)] = true
		}
	}
	return out
}

// callerParams is params without those bound to a global.
func callerParams(params []string, bound map[string]bool) []string {
	if len(bound) == 0 {
		return params
	}
	out := make([]string, 0, len(params))
	for _, p := range params {
		if !bound[p] {
			out = append(out, p)
		}
	}
	return out
}

// opensScope reports whether a node of this kind opens a scope of its own.
func opensScope(kind string) bool {
	return kind == "function_definition" || kind == "lambda" || kind == "class_definition"
}

// hasYield reports whether body makes its function a generator: a yield
// outside nested functions, lambdas and classes.
func hasYield(body *node, src []byte) bool {
	if !bytes.Contains(src[body.StartByte():body.EndByte()], []byte("yield")) {
		return false
	}
	var walk func(n *node) bool
	walk = func(n *node) bool {
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			switch k := c.Kind(); {
			case k == "yield":
				return true
			case opensScope(k):
			default:
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(body)
}

// isOverload reports whether a decorated definition is a typing overload.
func isOverload(decorated *node, src []byte) bool {
	for i := uint(0); i < decorated.NamedChildCount(); i++ {
		d := decorated.NamedChild(i)
		if d.Kind() != "decorator" {
			continue
		}
		e := strings.TrimSpace(strings.TrimPrefix(string(src[d.StartByte():d.EndByte()]), "@"))
		if e == "overload" || strings.HasSuffix(e, ".overload") {
			return true
		}
	}
	return false
}

// compiledBy returns why a decorated function or class is left alone when
// one of its decorators compiles the function's byte code or source into
// something other than Python (numba's jit, njit, vectorize and the like,
// its jitclass and the implementations its @overload returns,
// torch.jit.script, triton.jit, taichi kernels): the with block and the
// runtime calls injected into it are Python objects those compilers reject
// (numba's nopython mode fails at the first call), so instrumenting the
// function would break it. "" when none does.
func compiledBy(decorated *node, src []byte) string {
	if decorated.Kind() != "decorated_definition" {
		return ""
	}
	for i := uint(0); i < decorated.NamedChildCount(); i++ {
		d := decorated.NamedChild(i)
		if d.Kind() != "decorator" {
			continue
		}
		e := strings.TrimSpace(strings.TrimPrefix(string(src[d.StartByte():d.EndByte()]), "@"))
		called := false
		if p := strings.IndexByte(e, '('); p >= 0 {
			e, called = strings.TrimSpace(e[:p]), true
		}
		last := e[strings.LastIndexByte(e, '.')+1:]
		switch {
		case compilingDecorators[last],
			strings.HasSuffix(e, "jit.script") || strings.HasSuffix(e, "jit.script_method"),
			e == "ti.kernel" || e == "ti.func" || e == "taichi.kernel" || e == "taichi.func":
			return "compiled by @" + e + ": the injected code is Python its compiler rejects"
		case implementingDecorators[last] && (called || last != "overload"):
			// typing's @overload takes no arguments; numba's always does.
			return "returns an implementation that @" + e + " hands to numba to compile: the injected code in it is Python its compiler rejects"
		}
	}
	return ""
}

// compilingDecorators are the last names of decorators that compile the
// function (numba, triton, jax and the like), or every method of the class
// (numba's jitclass), matched bare or dotted. register_jitable is numba's
// for helpers that compiled code calls.
var compilingDecorators = map[string]bool{
	"jit": true, "njit": true, "vectorize": true, "guvectorize": true, "cfunc": true,
	"stencil": true, "generated_jit": true, "register_jitable": true, "jitclass": true,
}

// implementingDecorators are numba's extension API: the decorated function
// runs as Python while numba types a call, and returns a nested function
// (the implementation) that numba compiles in nopython mode. The decorated
// function is left alone with everything in it, as for generated_jit.
var implementingDecorators = map[string]bool{
	"overload": true, "overload_method": true, "overload_attribute": true, "overload_classmethod": true,
}

// linesReadRe finds code that reads the line numbers of running code:
// traceback.extract_stack and extract_tb, a frame's f_lineno, a
// traceback's tb_lineno, a code object's co_firstlineno.
var linesReadRe = regexp.MustCompile(`\b(extract_stack|extract_tb|f_lineno|tb_lineno|co_firstlineno)\b`)

// readsOwnLines returns why a function is left alone when its body reads
// line numbers: such code may compare lines of its own (pyparsing's
// _trim_arity adds a fixed LINE_DIFF to the line of one statement to find
// the line of a call below it, and tells its own TypeError from the
// callee's by it), and any line injected between them breaks it. "" when
// it reads none.
func readsOwnLines(body *node, src []byte) string {
	if body == nil || !linesReadRe.Match(src[body.StartByte():body.EndByte()]) {
		return ""
	}
	return "reads line numbers of running code: an injected line would move the lines it compares"
}

// firstLineRe finds a function's first line read through its name
// (get_exception.__code__.co_firstlineno, self.f.__code__.co_firstlineno).
var firstLineRe = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\.__code__\.co_firstlineno\b`)

// firstLineReaders maps the name of each function whose co_firstlineno the
// file reads through its name to why it is left alone, with everything in
// it: such code counts lines from the def to a statement of the body
// (CPython's tests expect a traceback at
// `get_exception.__code__.co_firstlineno + 2`), and the with line, a
// variable's or a loop's would move the statement down. Names are matched
// file-wide, as for compiledByCall. nil when the file reads none.
func firstLineReaders(src []byte) map[string]string {
	if !bytes.Contains(src, []byte("co_firstlineno")) {
		return nil
	}
	var names map[string]string
	for _, m := range firstLineRe.FindAllSubmatch(src, -1) {
		if names == nil {
			names = map[string]string{}
		}
		name := string(m[1])
		names[name] = "its first line is read (" + name + ".__code__.co_firstlineno): an injected line would move the lines counted from it"
	}
	return names
}

// tracerRe finds code that turns a tracer or profiler on or off:
// sys.settrace and sys.setprofile (threading's too), a debugger's
// set_trace, and breakpoint().
var tracerRe = regexp.MustCompile(`\b(settrace|setprofile|set_trace|breakpoint)\s*\(`)

// installsTracer returns why a function is left alone when its body turns
// a tracer on or off: every runtime call injected after that point (a
// variable's line, the with block's exit) is a Python call the program's
// own tracer now sees, so a debugger steps into the runtime and a tracer
// counts calls the program never made (bdb's runcall, trace's runfunc,
// pdb.set_trace). "" when it does not.
func installsTracer(body *node, src []byte) string {
	if body == nil || !tracerRe.Match(src[body.StartByte():body.EndByte()]) {
		return ""
	}
	return "turns a tracer on or off (settrace, setprofile, set_trace, breakpoint): the program's tracer would see the injected calls"
}

func dedupe(names []string) []string {
	out := names[:0]
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func (fd *finder) text(n *node) string {
	if n == nil {
		return ""
	}
	return string(fd.src[n.StartByte():n.EndByte()])
}

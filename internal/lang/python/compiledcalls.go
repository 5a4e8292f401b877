package python

import (
	"regexp"
	"strings"
)

// compilerCallRe finds, cheaply, the files that may hand a function to a
// compiler by a call: the names compiledByCall looks for.
var compilerCallRe = regexp.MustCompile(`\b(n?jit|register_jitable|g?u?vectorize|cfunc|stencil|jitclass|compile_internal|compile_subroutine)\b`)

// compiledByCall maps the name of each function the file hands to a
// compiler by a call rather than a decorator to the reason it is left
// alone: numba.njit(f), jit(nopython=True)(f), register_jitable(f), and
// numba's lowering API, context.compile_internal(builder, impl, sig,
// args), which compiles impl in nopython mode. Such a function, with
// everything in it, is compiled exactly as a decorated one, and numba
// rejects the injected with block at its first call. Names are matched
// within the file whatever their scope (every def of that name is left
// alone): a function passed under another name, or from another file, is
// not seen. nil when the file has no such call.
func (fd *finder) compiledByCall(root *node) map[string]string {
	if !compilerCallRe.Match(fd.src) {
		return nil
	}
	names := map[string]string{}
	var walk func(n *node)
	walk = func(n *node) {
		children := fd.children(n)
		for i := range children {
			c := &children[i]
			if c.Kind() == "call" {
				fd.compilerCall(c, names)
			}
			if c.NamedChildCount() > 0 {
				walk(c)
			}
		}
	}
	walk(root)
	return names
}

// compilerCall adds to names the functions a call hands to a compiler:
// its bare-name arguments (positional or keyword), with the compiler
// named when the callee (or, for jit(...)(f), the callee's callee) is one.
func (fd *finder) compilerCall(call *node, names map[string]string) {
	fn := call.ChildByFieldId(fd.ids.function)
	if fn != nil && fn.Kind() == "call" {
		fn = fn.ChildByFieldId(fd.ids.function)
	}
	if fn == nil || (fn.Kind() != "identifier" && fn.Kind() != "attribute") {
		return
	}
	callee := fd.text(fn)
	last := callee[strings.LastIndexByte(callee, '.')+1:]
	compiles := compilingDecorators[last] || last == "compile_internal" || last == "compile_subroutine"
	args := call.ChildByFieldId(fd.ids.arguments)
	if args == nil {
		return
	}
	for i := uint(0); i < args.NamedChildCount(); i++ {
		a := args.NamedChild(i)
		if a.Kind() == "keyword_argument" {
			a = a.ChildByFieldId(fd.ids.value)
		}
		if a == nil || a.Kind() != "identifier" {
			continue
		}
		name := fd.text(a)
		switch {
		case compiles:
			names[name] = "compiled by " + callee + "(" + name + ", ...): the injected code is Python its compiler rejects"
		case names[name] == "":
			// In a file that uses a JIT, a function handed to another
			// function may be compiled there: numba's listobj passes gt
			// to make_jit_quicksort(lt=gt), which compiles it.
			names[name] = "passed to " + callee + " in a file that uses a JIT compiler, which may compile it: the injected code is Python a compiler rejects"
		}
	}
}

// decoratesWithParam returns why a function is left alone, in a file that
// uses a JIT compiler's names, when its body decorates a nested function
// with one of the function's own parameters (@wrap, @wrap(...)): such a
// factory is handed the compiler by its caller (numba's quicksort,
// mergesort and timsort take njit, or the identity for pure Python), so
// whatever it defines may be compiled. "" when it does not.
func (fd *finder) decoratesWithParam(body *node, params []string) string {
	if fd.byCall == nil || body == nil || len(params) == 0 {
		return ""
	}
	text := fd.src[body.StartByte():body.EndByte()]
	for _, p := range params {
		re := regexp.MustCompile(`(?m)^[ \t]*@` + regexp.QuoteMeta(p) + `[ \t]*(\(|$|#)`)
		if re.Match(text) {
			return "decorates the functions it defines with its parameter " + p + ", which a caller may pass a JIT compiler as: the injected code is Python a compiler rejects"
		}
	}
	return ""
}

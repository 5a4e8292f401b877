package python

import (
	"slices"
	"strconv"
	"strings"
)

// runtimeNames is one generation of the names instrumented code binds to
// the runtime's functions.
type runtimeNames struct {
	span                        string // the with statement's
	loop, tick, vars, val, mark string // the statement functions'
	err                         string // oldScriptImport's except clause's exception
}

// current are the names Render writes. Each is a dunder name (it starts
// and ends with "__"): introspection of a module that skips dunders does
// not see them (CPython's test_datetime compares dir(datetime), dunders
// left out, with the names the module defines), and a class body does not
// mangle them. The runtime defines them, and legacy's names as well for
// code instrumented earlier and not since.
var current = runtimeNames{
	span: "__ti_span__",
	loop: "__ti_loop__", tick: "__ti_tick__", vars: "__ti_var__", val: "__ti_val__", mark: "__ti_mark__",
	err: "__ti_e__",
}

// legacy are the names of code instrumented before the dunder names, which
// Strip still takes out exactly.
var legacy = runtimeNames{
	span: "_ti_span",
	loop: "_ti_loop", tick: "_ti_tick", vars: "_ti_var", val: "_ti_val", mark: "_ti_mark",
	err: "_ti_e",
}

// generations are the names Strip recognises, newest first.
var generations = [...]*runtimeNames{&current, &legacy}

// list is the import's list of names: all six, see the package
// comment.
func (n *runtimeNames) list() string {
	return n.span + ", " + strings.Join(n.calls(), ", ")
}

// calls are the statement functions, in the import's order.
func (n *runtimeNames) calls() []string {
	return []string{n.loop, n.tick, n.vars, n.val, n.mark}
}

// isCall reports whether name is one of the statement functions.
func (n *runtimeNames) isCall(name string) bool {
	return slices.Contains(n.calls(), name)
}

// plainImport is the runtime import of a module that only runs as part
// of its package, from the runtime module spec.
func (n *runtimeNames) plainImport(spec string) string {
	return "from " + spec + " import " + n.list()
}

// runtimeAll is the runtime's tuple of its six functions, in list()'s
// order, which the one-line imports of a module in the runtime's own
// folder unpack.
const runtimeAll = "__ti_all__"

// folderLine is the runtime import of a module in the runtime's own
// folder as the previous version wrote it for a module without a
// __main__ guard, which Strip still takes out; Render now writes
// scriptLine, whose relative branch is this line's. It is one simple
// statement so that it can share a line the module
// already has (see importEdit). That folder has no __init__.py, but it may
// still be a package: an implicit namespace package (PEP 420) imports the
// module as pkg.mod, with __package__ set and the folder off sys.path,
// where only the relative import (level 1) finds the runtime beside it.
// Run as a script or imported from a folder on sys.path, __package__ is
// None or "", and code run by exec with globals of its own (a setup.py
// reading a version file) has none. With a fromlist, __import__ returns
// the runtime module itself rather than the package above it. The names
// are bound by a plain assignment, which linters read as a definition.
func (n *runtimeNames) folderLine() string {
	return n.list() + ` = __import__("` + runtimeModule + `", globals(), None, ("` + runtimeAll + `",), ` +
		`1 if globals().get("__package__") else 0).` + runtimeAll
}

// scriptLine is the runtime import of every module in the runtime's
// folder, as one simple statement: any of them may run as a script or be
// loaded by path from outside sys.path. Loaded as part of
// a package (__package__ set: an implicit namespace package), it imports
// the runtime relatively, as folderLine does. A script run with python -I
// or -P (or PYTHONSAFEPATH) has its own folder off sys.path, so the
// runtime beside it cannot be imported; the script then runs as before
// with no telemetry, as a JavaScript browser script does. A statement
// cannot catch an exception, so the runtime is looked for first, the way
// the import system does (sys.modules, then each finder on sys.meta_path):
// only its absence selects the stand-ins, and any error raised inside the
// runtime or by an import it makes propagates. sys is always loaded, and
// the stand-in span is a builtin context manager that does nothing (an
// empty memoryview, whose exit releases it and never swallows an
// exception), so neither the statement nor the stand-ins load a module the
// original did not.
func (n *runtimeNames) scriptLine() string {
	return n.scriptLineAt(1)
}

// scriptLineAt is scriptLine for a module level-1 packages below the
// runtime: a module of a regular package that also runs as a script
// (python pkg/tool.py, python pkg for its __main__.py), where __package__
// is unset and a relative import raised ImportError. Imported as part of
// its package, it imports the runtime relatively, as a module of the
// package without a __main__ guard does; run as a script, it looks the
// runtime up as scriptLine does (found when the script's folder holds it,
// else the stand-ins).
func (n *runtimeNames) scriptLineAt(level int) string {
	return n.scriptLineIf(level, inPackage)
}

// inPackage is true in a module imported as part of a package: its
// __package__ names the package, or, where the import system no longer
// sets __package__ (CPython documents its removal for 3.15), its spec's
// parent does, which is what a relative import then resolves against. A
// script, a module loaded by path under a top-level name, and exec'd code
// have neither (no spec, or a parent of "").
const inPackage = `globals().get("__package__") or __import__("builtins").getattr(globals().get("__spec__"), "parent", None)`

// oldInPackage is inPackage as the previous version wrote it, which read
// __package__ alone.
const oldInPackage = `globals().get("__package__")`

// scriptLineIf is scriptLineAt with the condition that selects the
// relative import.
func (n *runtimeNames) scriptLineIf(level int, cond string) string {
	return n.list() + ` = __import__("` + runtimeModule + `", globals(), None, ("` + runtimeAll + `",), ` + strconv.Itoa(level) + `).` + runtimeAll +
		` if ` + cond + ` else ` + n.scriptLookup()
}

// oldScriptLineAt is scriptLineAt as the previous version wrote it, which
// Strip still takes out.
func (n *runtimeNames) oldScriptLineAt(level int) string {
	return n.scriptLineIf(level, oldInPackage)
}

// maxScriptLevel bounds the package depths whose scriptLineAt Strip
// recognises: deeper than any real package.
const maxScriptLevel = 32

// oldScriptLine is scriptLine as the previous version wrote it, without
// the relative import (a namespace package's script ran without
// telemetry) and with the builtin any looked up by name, which Strip
// still takes out.
func (n *runtimeNames) oldScriptLine() string {
	return n.list() + ` = ` + strings.Replace(n.scriptLookup(), `__import__("builtins").any(`, `any(`, 1)
}

// scriptLookup is scriptLine's expression outside a package: the runtime
// where the import system finds it, else the stand-ins. any is the
// builtins module's: the line the import is appended to may have
// shadowed it (`from numpy import *` binds numpy.any, which is true of
// any generator).
func (n *runtimeNames) scriptLookup() string {
	m := `"` + runtimeModule + `"`
	return `__import__(` + m + `).` + runtimeAll + ` if ` + m + ` in __import__("sys").modules or ` +
		`__import__("builtins").any(f.find_spec(` + m + `, None) for f in __import__("sys").meta_path if hasattr(f, "find_spec")) else ` +
		`(lambda *a, **k: memoryview(b""),) + (lambda *a, **k: None,) * ` + strconv.Itoa(len(n.calls()))
}

// oldScriptImport is the runtime import of a module in the runtime's
// folder that also runs as a script as earlier versions wrote it, four
// lines of their own, which Strip still takes out: scriptLine as a try
// statement.
func (n *runtimeNames) oldScriptImport() []string {
	return []string{
		"try: from " + runtimeModule + " import " + n.list(),
		"except ModuleNotFoundError as " + n.err + ":",
		"    if " + n.err + `.name != "` + runtimeModule + `": raise`,
		"    " + n.span + ` = lambda *a, **k: __import__("contextlib").nullcontext(); ` +
			strings.Join(n.calls(), " = ") + " = lambda *a, **k: None",
	}
}

// oldFolderImport is folderLine as earlier versions wrote it, two lines
// of their own, which Strip still takes out.
func (n *runtimeNames) oldFolderImport() []string {
	return []string{
		"if globals().get(\"__package__\"): from ." + runtimeModule + " import " + n.list(),
		"else: from " + runtimeModule + " import " + n.list(),
	}
}

// isRuntimeName reports whether name is a runtime function's name of any
// generation.
func isRuntimeName(name string) bool {
	return isSpanName(name) || generationOfCall(name) != nil
}

// isSpanName reports whether name is the span function's name of any
// generation.
func isSpanName(name string) bool {
	for _, g := range generations {
		if name == g.span {
			return true
		}
	}
	return false
}

// generationOfCall returns the generation whose statement function name
// is, or nil.
func generationOfCall(name string) *runtimeNames {
	for _, g := range generations {
		if g.isCall(name) {
			return g
		}
	}
	return nil
}

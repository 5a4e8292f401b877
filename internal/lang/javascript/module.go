package javascript

import (
	"bytes"
	"context"
	"regexp"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// moduleUse is what a file's top level says about its module system.
type moduleUse struct {
	esm      bool // an import or export statement
	commonJS bool // require(...), module.exports or exports.x
}

// scanModuleUse looks for import/export statements at the top level and for
// require calls and module.exports/exports anywhere.
func scanModuleUse(root *treesitter.Node, src []byte) moduleUse {
	var u moduleUse
	cur := root.Walk()
	defer cur.Close()
	u.esm = scanTopLevelESM(root.NamedChildren(cur))
	if u.esm || !bytes.Contains(src, []byte("require")) && !bytes.Contains(src, []byte("exports")) {
		return u // ESM wins anyway, or no CommonJS word appears at all
	}
	var walk func(n *treesitter.Node)
	walk = func(n *treesitter.Node) {
		if u.commonJS {
			return
		}
		if isCommonJSUse(n, src) {
			u.commonJS = true
			return
		}
		kids := n.NamedChildren(cur)
		for i := range kids {
			walk(&kids[i])
		}
	}
	walk(root)
	return u
}

// scanTopLevelESM reports whether the top-level statements include an
// import or export.
func scanTopLevelESM(top []treesitter.Node) bool {
	for i := range top {
		switch top[i].Kind() {
		case "import_statement", "export_statement":
			return true
		}
	}
	return false
}

// isCommonJSUse reports whether n is require(...), module.exports or
// exports.name.
func isCommonJSUse(n *treesitter.Node, src []byte) bool {
	switch n.Kind() {
	case "call_expression":
		fn := n.ChildByFieldName("function")
		return fn != nil && fn.Kind() == "identifier" && treesitter.Text(fn, src) == "require"
	case "member_expression":
		obj := n.ChildByFieldName("object")
		if obj == nil || obj.Kind() != "identifier" {
			return false
		}
		switch treesitter.Text(obj, src) {
		case "exports":
			return true
		case "module":
			prop := n.ChildByFieldName("property")
			return prop != nil && treesitter.Text(prop, src) == "exports"
		}
	}
	return false
}

// ModuleOf returns the module system f uses, given its parse tree: ESM
// whenever the file has import or export statements (whatever the scanner
// concluded from extension and package.json), otherwise the scanner's
// choice, otherwise CommonJS when the file uses require or module.exports.
// It returns ModuleNone for a file that shows no sign of either.
func ModuleOf(f *source.File, root *treesitter.Node) source.Module {
	return moduleFrom(f, scanModuleUse(root, f.Src))
}

func moduleFrom(f *source.File, u moduleUse) source.Module {
	switch {
	case u.esm:
		return source.ModuleESM
	case f.Module != source.ModuleNone:
		return f.Module
	case u.commonJS:
		return source.ModuleCommonJS
	}
	return source.ModuleNone
}

// importFor renders the line that loads the runtime: an ES import for ES
// modules, `import __ti = require(...)` for TypeScript files without ES
// module syntax (the only form verbatimModuleSyntax accepts in a CommonJS
// file), and for CommonJS modules and scripts a lookup that falls back to
// a do-nothing runtime instead of throwing. A JavaScript file that shows no
// module syntax at all is a script: Node runs it as CommonJS, a browser as
// a classic script, where require does not exist. A CommonJS module may be
// copied alone out of its package (a test that fakes two installations of
// the package by copying its index.js, a file vendored elsewhere), where
// the runtime is not beside it: it must run as before, without telemetry.
// The lookup is a `var`, so that several scripts on one page can all
// declare it; that var is the one global a script adds (window.__ti), as
// any top-level var would; in a CommonJS module it is module-scoped.
// It goes after a shebang, the directive prologue and header comments
// (where TypeScript's triple-slash directives and pragmas such as @ts-check
// must stay first), but before a comment attached to the first statement,
// on that comment's or statement's line.
func importFor(p *parsers, f *source.File, spec string) inject.Edit {
	code := "import * as __ti from " + jsString(spec) + ";"
	tree, err := p.read(context.Background(), f, f.Src)
	if err != nil {
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(f.Src), Seq: importSeq}
	}
	defer tree.Close()
	root := tree.RootNode()
	u := scanModuleUse(root, f.Src)
	// mayFollow: what first statements the lookup may follow, when a doc
	// comment at the top of the file leaves it no line above (see
	// aboveDocComment). TypeScript does not type by doc comments.
	var mayFollow func(*treesitter.Node) bool
	switch {
	case f.Lang == source.TypeScript:
		if !usesESMSyntax(root) && !strings.HasSuffix(f.Path, ".mts") {
			code = "import __ti = require(" + jsString(spec) + ");"
		}
	case moduleFrom(f, u) == source.ModuleESM:
		// An import binds before any statement runs, wherever it is.
		mayFollow = func(*treesitter.Node) bool { return true }
	default:
		code = scriptImport(spec)
		mayFollow = runsNothing
	}
	return prologueEdit(f.Src, root, code, mayFollow)
}

// usesESMSyntax reports whether a TypeScript file has a top-level import
// or export other than `import x = require(...)` and `export =`, which are
// how a CommonJS file written in TypeScript imports and exports.
func usesESMSyntax(root *treesitter.Node) bool {
	for i := uint(0); i < root.NamedChildCount(); i++ {
		n := root.NamedChild(i)
		switch n.Kind() {
		case "import_statement":
			if !hasChildKind(n, "import_require_clause") {
				return true
			}
		case "export_statement":
			if !hasChildKind(n, "=") {
				return true
			}
		}
	}
	return false
}

func hasChildKind(n *treesitter.Node, kind string) bool {
	for i := uint(0); i < n.ChildCount(); i++ {
		if n.Child(i).Kind() == kind {
			return true
		}
	}
	return false
}

// scriptImport is the runtime lookup of a CommonJS module or a script that
// may run in a browser: require when it exists and finds the runtime, else
// an object whose methods do nothing (run still calls the function it
// wraps, its fifth argument). No fallback function declares a parameter:
// a project that type-checks its JavaScript (checkJs under strict and
// noUnusedParameters, as every es-shims package does) would reject an
// untyped or unread one.
//
// The coverage hints keep the fallback's functions and the catch out of
// the line's coverage (see coverageHint). The c8 hint leads: vitest's
// AST-aware conversion reads it as "the next statement", which must be
// the lookup, not the program's first statement after it. The JSDoc cast gives tsc,
// checking the JavaScript, the runtime's own types: uncast, the lookup
// returns the union of the runtime and the fallback, whose run returns
// any, and an instrumented async function would be declared
// (declaration: true) as Promise<any>.
func scriptImport(spec string) string {
	lookup := strings.Replace(scriptLookup(spec), "catch (e) {", "catch (e) "+istanbulHint+" {", 1)
	return coverageHint + " var __ti = /** @type {typeof import(" + jsString(spec) + ")} */ (" + lookup + ");"
}

// scriptLookup is the expression of scriptImport, which releases before
// the cast assigned as it is.
func scriptLookup(spec string) string {
	return "(function () { try { return require(" + jsString(spec) + "); } catch (e) { " +
		"var n = function () {}; return { enter: n, exit: n, fail: n, v: n, val: n, mark: n, loop: n, tick: n, " +
		"run: function () { var f = arguments[4]; return f(); } }; } })()"
}

// prologueEdit places code after the file's prologue.
// mayFollow, when not nil, says whether the code may go after the first
// statement instead of on the line of the doc comment above it.
func prologueEdit(src []byte, root *treesitter.Node, code string, mayFollow func(*treesitter.Node) bool) inject.Edit {
	li := newLines(src)
	var items []*treesitter.Node
	firstStmt := -1
	var first *treesitter.Node
	cur := root.Walk()
	defer cur.Close()
	kids := root.Children(cur)
	for i := range kids {
		c := &kids[i]
		if c.Kind() == "hash_bang_line" || c.Kind() == "comment" || isDirective(c) {
			items = append(items, c)
			continue
		}
		firstStmt, first = int(c.StartByte()), c
		break
	}
	// A doc comment (/** ... */) directly above the first statement
	// documents it; the import goes above it, unless it is a pragma of the
	// file such as /** @jsx h */, which tsc reads only among the comments
	// before the first statement. Line comments stay in the header, where
	// pragmas and triple-slash directives must be.
	if n := len(items); n > 0 && firstStmt >= 0 {
		last := items[n-1]
		if last.Kind() == "comment" && bytes.HasPrefix(src[last.StartByte():], []byte("/**")) &&
			!filePragma.Match(src[last.StartByte():last.EndByte()]) &&
			li.line(firstStmt)-li.line(int(last.EndByte())) <= 1 {
			items = items[:n-1]
		}
	}
	if firstStmt >= 0 {
		// Before what follows the header, on its line: a line of its own
		// would move every line of the file down by one.
		// (items are the first kids, so kids[keep] is the first that is
		// not kept above it.)
		keep := nextLineDirective(src, li, items, firstStmt)
		at := firstStmt
		if keep < len(kids) {
			at = int(kids[keep].StartByte())
		}
		var prev *treesitter.Node
		if keep > 0 {
			prev = &kids[keep-1]
		}
		if moved, lead, ok := aboveDocComment(src, prev, at); ok {
			return inject.Edit{At: moved, New: "/*@ti{*/" + lead + code + "/*}@ti*/", Seq: importSeq}
		}
		if at != firstStmt && isDocComment(src, at) && mayFollow != nil && mayFollow(first) {
			return inject.Edit{At: realEnd(first), New: "/*@ti{*/" + statementEnd(first) + code + "/*}@ti*/", Seq: importSeq}
		}
		return inject.Edit{At: at, New: "/*@ti{*/" + code + "/*}@ti*/", Seq: importSeq}
	}
	// No statement at all: nothing calls the runtime, but the import goes
	// where it can still be found.
	if len(items) == 0 {
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	last := items[len(items)-1]
	end := realEnd(last)
	if at, ok := restOfLineBlank(src, end); ok {
		return inject.Edit{At: at, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	if last.Kind() == "comment" && src[last.StartByte()+1] == '/' {
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	if isDirective(last) && !endsWithSemicolon(last) {
		code = ";" + code
	}
	return inject.Edit{At: end, New: "/*@ti{*/" + code + "/*}@ti*/", Seq: importSeq}
}

// filePragma matches a comment that sets how the whole file is compiled
// or checked, which tools read only before the first statement.
var filePragma = regexp.MustCompile(`@(?:jsx|jsxFrag|jsxImportSource|jsxRuntime|flow|noflow|ts-check|ts-nocheck)\b`)

// nextLineComment matches a comment that acts on the line below it.
var nextLineComment = regexp.MustCompile(`@ts-(?:expect-error|ignore)\b|(?:eslint|oxlint)-disable-next-line|prettier-ignore|` +
	`(?:istanbul|c8|v8) ignore next|biome-ignore|deno-lint-ignore(?:\s|$)`)

// nextLineDirective returns how many of the header items stay above the
// import: all of them, unless the comments directly above the first
// statement (no blank line between) hold one that acts on the line below
// it, such as `// @ts-expect-error` or `// eslint-disable-next-line`
// (tRPC's polyfill of Symbol.dispose): the import then goes above the
// first of those, or it would take the directive (TS2578) and leave the
// statement it suppressed an error of unguarded (TS2540).
func nextLineDirective(src []byte, li *lines, items []*treesitter.Node, firstStmt int) int {
	keep := len(items)
	below := li.line(firstStmt)
	for i := len(items) - 1; i >= 0; i-- {
		c := items[i]
		if c.Kind() != "comment" || below-li.line(int(c.EndByte())) > 1 {
			break
		}
		if nextLineComment.Match(src[c.StartByte():c.EndByte()]) {
			keep = i
		}
		below = li.line(int(c.StartByte()))
	}
	return keep
}

// isDirective reports whether n is a directive such as "use strict": an
// expression statement that is a lone string literal.
// A comment after a directive without a semicolon is a child of it in
// tree-sitter's reading.
func isDirective(n *treesitter.Node) bool {
	if n.Kind() != "expression_statement" {
		return false
	}
	strs := 0
	for i := uint(0); i < n.NamedChildCount(); i++ {
		switch n.NamedChild(i).Kind() {
		case "string":
			strs++
		case "comment":
		default:
			return false
		}
	}
	return strs == 1
}

// statementEnd is what code placed right after the statement n needs in
// front: ";" where n ended at a line break without one (standard style's
// `module.exports = () => {...}`), which the code would otherwise join;
// nothing after a semicolon or a declaration's closing brace.
func statementEnd(n *treesitter.Node) string {
	switch n.Kind() {
	case "function_declaration", "generator_function_declaration", "class_declaration":
		return ""
	}
	if endsWithSemicolon(n) {
		return ""
	}
	return ";"
}

func endsWithSemicolon(n *treesitter.Node) bool {
	c := n.Child(n.ChildCount() - 1)
	return c != nil && c.Kind() == ";"
}

// moduleFor parses f and returns the module system its injected lookup
// uses: ModuleOf, where a script with no module syntax counts as CommonJS
// (what Node runs it as), or the scanner's choice when f does not parse.
func moduleFor(p *parsers, f *source.File) source.Module {
	tree, err := p.read(context.Background(), f, f.Src)
	if err != nil {
		return f.Module
	}
	defer tree.Close()
	if m := ModuleOf(f, tree.RootNode()); m != source.ModuleNone {
		return m
	}
	return source.ModuleCommonJS
}

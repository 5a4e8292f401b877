package javascript

import (
	"bytes"
	"context"

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
// modules and TypeScript, a require call for CommonJS. It goes after a
// shebang, the directive prologue and header comments (where TypeScript's
// triple-slash directives and pragmas such as @ts-check must stay first),
// but before a comment attached to the first statement.
func importFor(p *parsers, f *source.File, spec string) inject.Edit {
	code := "import * as __ti from " + jsString(spec) + ";"
	tree, err := p.forFile(f).Parse(context.Background(), f.Src)
	if err != nil {
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(f.Src), Seq: importSeq}
	}
	defer tree.Close()
	root := tree.RootNode()
	if f.Lang == source.JavaScript && ModuleOf(f, root) != source.ModuleESM {
		code = "const __ti = require(" + jsString(spec) + ");"
	}
	return prologueEdit(f.Src, root, code)
}

// prologueEdit places code after the file's prologue.
func prologueEdit(src []byte, root *treesitter.Node, code string) inject.Edit {
	li := newLines(src)
	var items []*treesitter.Node
	firstStmt := -1
	cur := root.Walk()
	defer cur.Close()
	kids := root.Children(cur)
	for i := range kids {
		c := &kids[i]
		if c.Kind() == "hash_bang_line" || c.Kind() == "comment" || isDirective(c) {
			items = append(items, c)
			continue
		}
		firstStmt = int(c.StartByte())
		break
	}
	// A doc comment (/** ... */) directly above the first statement
	// documents it; the import goes above it. Line comments stay in the
	// header, where pragmas and triple-slash directives must be.
	if n := len(items); n > 0 && firstStmt >= 0 {
		last := items[n-1]
		if last.Kind() == "comment" && bytes.HasPrefix(src[last.StartByte():], []byte("/**")) &&
			li.line(firstStmt)-li.line(int(last.EndByte())) <= 1 {
			items = items[:n-1]
		}
	}
	if len(items) == 0 {
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	last := items[len(items)-1]
	end := realEnd(last)
	if at, ok := restOfLineBlank(src, end); ok {
		return inject.Edit{At: at, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	if last.Kind() == "comment" && src[last.StartByte()+1] == '/' {
		// A line comment that ends the file: only a line break could end
		// it, and removal must not leave one behind, so the import goes
		// first even though that is above a header comment.
		return inject.Edit{At: 0, New: "/*@ti{*/" + code + "/*}@ti*/" + lineEnding(src), Seq: importSeq}
	}
	if isDirective(last) && !endsWithSemicolon(last) {
		code = ";" + code
	}
	return inject.Edit{At: end, New: "/*@ti{*/" + code + "/*}@ti*/", Seq: importSeq}
}

// isDirective reports whether n is a directive such as "use strict": an
// expression statement that is a lone string literal.
func isDirective(n *treesitter.Node) bool {
	if n.Kind() != "expression_statement" || n.NamedChildCount() != 1 {
		return false
	}
	return n.NamedChild(0).Kind() == "string"
}

func endsWithSemicolon(n *treesitter.Node) bool {
	c := n.Child(n.ChildCount() - 1)
	return c != nil && c.Kind() == ";"
}

// moduleFor parses f and returns the module system it uses (ModuleOf), or
// the scanner's choice when f does not parse.
func moduleFor(p *parsers, f *source.File) source.Module {
	tree, err := p.forFile(f).Parse(context.Background(), f.Src)
	if err != nil {
		return f.Module
	}
	defer tree.Close()
	return ModuleOf(f, tree.RootNode())
}

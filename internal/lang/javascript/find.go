package javascript

import (
	"bytes"
	"context"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// The opt-out directives, in comments.
const (
	ignoreDirective     = "telemetry-inject: ignore"
	ignoreFileDirective = "telemetry-inject: ignore-file"
)

// Skip reasons.
const (
	reasonIgnoreFile   = "file opted out with " + ignoreFileDirective
	reasonIgnore       = "opted out with // " + ignoreDirective
	reasonGlobalTS     = "TypeScript global script (no import or export): an added import would turn it into a module"
	reasonCallee       = "uses arguments.callee or .caller introspection"
	reasonNotInBlock   = "loop is the unbraced body of another statement: a line before it would change the program"
	reasonReserved     = "the file already uses the reserved __ti prefix, so the injected names could collide"
	reasonAfterLet     = "loop follows a bare `let` expression statement that our line would turn into a declaration"
	reasonWith         = "inside a with statement: the injected names would be looked up on its object first (a Proxy sandbox answers every name)"
	reasonTSNestedDecl = "TypeScript function that declares functions in its body and is a generator, constructor or setter or uses arguments: neither a try block (TS1252 for ES5) nor an arrow can wrap it"
	reasonTSSuperCall  = "TypeScript derived-class constructor whose class has initialised, parameter or private properties: super() must stay a root-level statement"
)

// findConstructs parses f and returns its constructs in source order.
func findConstructs(ctx context.Context, p *parsers, f *source.File) ([]source.Construct, error) {
	if isDeclarationFile(f.Path) {
		return nil, nil
	}
	tree, err := p.parse(ctx, f, f.Src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	cur := root.Walk()
	defer cur.Close()
	w := &walker{
		all:    func(n *treesitter.Node) []treesitter.Node { return n.Children(cur) },
		named:  func(n *treesitter.Node) []treesitter.Node { return n.NamedChildren(cur) },
		f:      f,
		src:    f.Src,
		li:     newLines(f.Src),
		mod:    moduleName(f),
		ts:     f.Lang == source.TypeScript,
		counts: map[string]int{},
	}
	w.collectComments(root)
	w.introspection = findIntrospection(root, f.Src)
	// The file-wide reasons are known only after the walk, which also
	// spots require and module.exports on its way.
	w.esm = scanTopLevelESM(w.named(root))
	w.visitChildren(root, scope{qual: w.mod})
	fileSkip := ""
	switch {
	case w.ignoreFile:
		fileSkip = reasonIgnoreFile
	case usesReservedNames(f.Src):
		fileSkip = reasonReserved
	case w.ts && !w.esm && !hasTSImportRequire(w.named(root)) && !strings.HasSuffix(f.Path, ".mts") && !strings.HasSuffix(f.Path, ".cts"):
		// .mts and .cts files are modules whatever they contain.
		fileSkip = reasonGlobalTS
	}
	for i := range w.out {
		if w.out[i].Kind == source.Function {
			functionTraits(f.Src, &w.out[i])
		}
	}
	markSerialized(root, w.named, f.Src, w.out)
	markHoisted(root, w.named, f.Src, w.out)
	if fileSkip != "" {
		for i := range w.out {
			w.out[i].Skip = fileSkip
		}
	}
	return w.out, nil
}

// usesReservedNames reports whether the program text, once anything we
// injected is taken out, mentions the reserved __ti prefix.
func usesReservedNames(src []byte) bool {
	if !bytes.Contains(src, []byte("__ti")) {
		return false
	}
	stripped, _, err := Strip(src)
	return err != nil || bytes.Contains(stripped, []byte("__ti"))
}

// hasTSImportRequire reports a TypeScript `import x = require(...)` or
// `export = x`, which make a file a (CommonJS-style) module too.
func hasTSImportRequire(kids []treesitter.Node) bool {
	for i := range kids {
		if k := kids[i].Kind(); k == "import_alias" || k == "import_require_clause" {
			return true
		}
	}
	return false
}

// scope is what the walker knows about the code around a node.
type scope struct {
	qual string // QualName prefix for functions found here
	fn   *fnInfo
	skip string // inherited skip reason
	// inLoop: inside a loop body of the enclosing function (or of the
	// module top level); a function's own body starts outside any loop.
	inLoop bool
}

// fnInfo is the enclosing function.
type fnInfo struct {
	qual  string
	scope []string // parameters and the locals declared so far
	seen  map[string]bool
	// evolving: locals declared without a type and without a value, or
	// with [], null or undefined.
	evolving map[string]bool
	// header and line are the function's signature and the line it
	// starts on, from 1 (see lang.Header).
	header string
	line   int
	// body is the function's body, where its names are read.
	body *treesitter.Node
}

type walker struct {
	// all and named list a node's children through one shared tree
	// cursor: indexing children one by one costs a walk from the first.
	all, named func(*treesitter.Node) []treesitter.Node
	f          *source.File
	src        []byte
	li         *lines
	mod        string
	ts         bool
	ignoreFile bool
	ignoreAt   map[int]bool // lines that hold an ignore directive
	counts     map[string]int
	esm        bool // import or export statements at the top level
	commonJS   bool // require(...), module.exports or exports.x seen
	// introspection holds the offsets of arguments.callee and x.caller.
	introspection []int
	out           []source.Construct
}

// collectComments records the opt-out directives.
func (w *walker) collectComments(root *treesitter.Node) {
	if !bytes.Contains(w.src, []byte("telemetry-inject:")) {
		return
	}
	w.ignoreAt = map[int]bool{}
	var walk func(n *treesitter.Node)
	walk = func(n *treesitter.Node) {
		if n.Kind() == "comment" {
			text := treesitter.Text(n, w.src)
			if strings.Contains(text, ignoreFileDirective) {
				w.ignoreFile = true
			} else if strings.Contains(text, ignoreDirective) {
				w.ignoreAt[int(n.EndPosition().Row)+1] = true
			}
			return
		}
		kids := w.all(n)
		for i := range kids {
			walk(&kids[i])
		}
	}
	walk(root)
}

// optedOut reports whether the line above n, or above a statement that
// starts n's line (export, const f = ...), holds an ignore directive.
func (w *walker) optedOut(n *treesitter.Node) bool {
	if w.ignoreAt == nil {
		return false
	}
	for m := n; m != nil; m = m.Parent() {
		if w.ignoreAt[int(m.StartPosition().Row)] {
			return true
		}
		if isStatementLike(m.Kind()) {
			break
		}
	}
	return false
}

func isStatementLike(kind string) bool {
	switch kind {
	case "program", "statement_block", "class_body", "expression_statement", "lexical_declaration",
		"variable_declaration", "export_statement", "return_statement":
		return true
	}
	return false
}

func (w *walker) visitChildren(n *treesitter.Node, sc scope) {
	if n.NamedChildCount() == 0 {
		return
	}
	kids := w.named(n)
	for i := range kids {
		w.visit(&kids[i], sc)
	}
}

func (w *walker) visit(n *treesitter.Node, sc scope) {
	switch n.Kind() {
	case "function_declaration", "generator_function_declaration", "function_expression", "function",
		"generator_function", "arrow_function", "method_definition":
		w.function(n, sc)
		return
	case "class_declaration", "class", "abstract_class_declaration", "internal_module", "module":
		if sc.skip == "" && w.optedOut(n) {
			sc.skip = reasonIgnore
		}
		name := w.nameOf(n)
		if name == "" {
			name = "<anonymous>"
		}
		sc.qual = join(sc.qual, name)
		w.visitChildren(n, sc)
		return
	case "object":
		if name := w.contextName(n); name != "" {
			sc.qual = join(sc.qual, name)
		}
	case "for_statement", "for_in_statement", "while_statement", "do_statement":
		w.loop(n, sc)
		body := n.ChildByFieldName("body")
		kids := w.named(n)
		for i := range kids {
			inner := sc
			if body != nil && kids[i].StartByte() == body.StartByte() && kids[i].EndByte() == body.EndByte() {
				inner.inLoop = true
			}
			w.visit(&kids[i], inner)
		}
		return
	case "with_statement":
		// Every name in the body, __ti included, resolves through the
		// object first; reading a recorded variable again could run
		// its getter.
		if sc.skip == "" {
			sc.skip = reasonWith
		}
	case "lexical_declaration", "variable_declaration":
		w.declaration(n, sc)
	case "call_expression", "member_expression":
		if !w.commonJS && isCommonJSUse(n, w.src) {
			w.commonJS = true
		}
	case "expression_statement":
		w.assignment(n, sc)
	case "variable_declarator":
		if sc.fn != nil {
			sc.fn.declare(w.boundNames(n.ChildByFieldName("name"))...)
		}
	case "ambient_declaration", "comment", "string", "regex", "number", "identifier", "property_identifier",
		"shorthand_property_identifier", "this", "true", "false", "null", "undefined", "import_statement",
		"type_annotation", "type_alias_declaration", "interface_declaration", "type_arguments", "type_parameters",
		"jsx_text", "enum_declaration", "hash_bang_line":
		return // nothing that runs code of its own can be inside
	}
	w.visitChildren(n, sc)
}

// add fills in the fields every construct has and appends c.
func (w *walker) add(c source.Construct, n *treesitter.Node) {
	c.Lang = w.f.Lang
	c.Path = w.f.Path
	key := string(c.Kind) + "\x00" + c.QualName
	c.Ordinal = w.counts[key]
	w.counts[key]++
	c.ID = source.NewID(c.Path, c.Kind, c.QualName, c.Ordinal)
	c.Range = source.Range{
		Start: int(n.StartByte()), End: int(n.EndByte()),
		StartLine: int(n.StartPosition().Row) + 1, EndLine: int(n.EndPosition().Row) + 1,
	}
	if c.Indent == "" {
		c.Indent = indentAt(w.src, w.li, int(n.StartByte()))
	}
	if c.Params == nil {
		c.Params = []string{}
	}
	if c.Scope == nil {
		c.Scope = []string{}
	}
	if c.Targets == nil {
		c.Targets = []string{}
	}
	w.out = append(w.out, c)
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

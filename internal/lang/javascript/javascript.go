// Package javascript is the JavaScript and TypeScript Language: it finds
// functions, loops and variable assignments with tree-sitter, renders the
// injected code described in docs/injected-code.md, strips it again, and
// validates instrumented output (a clean parse, plus node's own compiler for
// JavaScript when node is on PATH, and the project's own TypeScript
// compiler against its tsconfig.json for TypeScript when it is installed).
package javascript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// Options configures the languages New builds.
type Options struct {
	// Node is the node executable used to check JavaScript output; ""
	// looks it up on PATH.
	Node string
	// NoNode disables the node check and the TypeScript type check even
	// when node is available, leaving the tree-sitter parse as the only
	// validation.
	NoNode bool
	// TSC is the TypeScript compiler to type-check with; "" looks for
	// node_modules/.bin/tsc in the folders above each file.
	TSC string
	// MaxIdleParsers is how many idle tree-sitter parsers each grammar
	// keeps for reuse; 0 means 4.
	MaxIdleParsers int
}

// parsers holds one Parser per grammar the two languages use.
type parsers struct {
	js, ts, tsx *treesitter.Parser
	// node, when running, places JavaScript syntax errors exactly.
	node *nodeChecker
}

func (p *parsers) forFile(f *source.File) *treesitter.Parser {
	switch {
	case f.Lang == source.TypeScript && f.TSX:
		return p.tsx
	case f.Lang == source.TypeScript:
		return p.ts
	default:
		return p.js
	}
}

// read parses src with the grammar f needs and that grammar's workarounds,
// errors and all: what everything that reads f with tree-sitter uses, so
// that a file Find reads is read alike when placing its import.
func (p *parsers) read(ctx context.Context, f *source.File, src []byte) (*treesitter.Tree, error) {
	switch {
	case f.Lang == source.TypeScript && !f.TSX:
		// Not in TSX, where `<out x>` could be an element with an attribute.
		return parseTS(ctx, p.ts, src)
	case f.Lang == source.TypeScript:
		// The bindings' ParseCtx dereferences a nil cancellation flag when
		// a context is cancelled mid-parse (go-tree-sitter v0.25.0), so the
		// parse itself runs uncancellable; it takes milliseconds.
		return p.tsx.Parse(context.WithoutCancel(ctx), src)
	default:
		return parseJS(ctx, p.js, src)
	}
}

// parse parses f's source (or out, when not nil) with the grammar f needs
// and fails with the first syntax error's position.
func (p *parsers) parse(ctx context.Context, f *source.File, src []byte) (*treesitter.Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tree, err := p.read(ctx, f, src)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", f.Path, err)
	}
	if err := p.syntaxError(ctx, f, tree.RootNode(), src); err != nil {
		tree.Close()
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return tree, nil
}

// New returns the JavaScript and the TypeScript Language. They share the
// parsers; JavaScript output is also checked by one long-lived node process
// (see Options), which Close ends.
func New(opts Options) (js, ts lang.Language) {
	n := opts.MaxIdleParsers
	if n <= 0 {
		n = 4
	}
	p := &parsers{
		js:  treesitter.NewParser(treesitter.JavaScript, n),
		ts:  treesitter.NewParser(treesitter.TypeScript, n),
		tsx: treesitter.NewParser(treesitter.TSX, n),
	}
	var checker *nodeChecker
	if !opts.NoNode {
		checker = newNodeChecker(opts.Node)
		p.node = checker
	}
	var types *tscChecker
	if !opts.NoNode {
		types = newTSCChecker(opts.Node, opts.TSC)
	}
	find := func(f *source.File) ([]source.Construct, error) {
		return findConstructs(context.Background(), p, f)
	}
	importEdit := func(f *source.File, spec string) inject.Edit {
		return importFor(p, f, spec)
	}
	_, commonJS := utilfiles.JavaScript(source.ModuleCommonJS)
	_, esm := utilfiles.JavaScript(source.ModuleESM)
	tsRuntime := utilfiles.TypeScript()
	js = lang.Language{
		Name:       source.JavaScript,
		Title:      "JavaScript",
		Minifiable: true,
		Extensions: []string{".js", ".mjs", ".cjs", ".jsx"},
		// _telemetry_utils.js, .mjs, .cjs.
		RuntimePrefixes: []string{lang.RuntimeFilePrefix},
		RuntimeNames:    []string{lang.RuntimeModule + ".js", lang.RuntimeModule + ".mjs", lang.RuntimeModule + ".cjs"},
		Find:            find,
		Render:          Render,
		Import:          importEdit,
		Module:          func(f *source.File) source.Module { return moduleFor(p, f) },
		Strip: func(src []byte) ([]byte, int, error) {
			return stripWith(src, grammar{p: p.js, js: true}, grammar{p: p.ts, ts: true}, grammar{p: p.tsx})
		},
		Validate: func(ctx context.Context, f *source.File, out []byte) error {
			return validate(ctx, p, checker, f, out)
		},
		ValidateStrip: func(ctx context.Context, f *source.File, out []byte) ([]byte, error, error) {
			return validateStrip(ctx, p, checker, f, out)
		},
		Close: func() error {
			p.js.Close()
			if checker != nil {
				return checker.Close()
			}
			return nil
		},

		RuntimeMarker:    lang.RuntimeModule,
		RuntimeBodies:    [][]byte{commonJS, esm},
		LineComment:      "//",
		Place:            placeJavaScript(string(commonJS), string(esm)),
		NPMPublished:     true,
		ModuleExtensions: map[string]source.Module{".mjs": source.ModuleESM, ".cjs": source.ModuleCommonJS},
		PackageModule:    true,
	}
	ts = lang.Language{
		Name:          source.TypeScript,
		Title:         "TypeScript",
		Minifiable:    true,
		Extensions:    []string{".ts", ".mts", ".cts", ".tsx"},
		TSXExtensions: []string{".tsx"},
		// _telemetry_utils.ts and the .d.ts beside it.
		RuntimePrefixes: []string{lang.RuntimeFilePrefix},
		RuntimeNames:    []string{lang.RuntimeModule + ".ts"},
		Find:            find,
		Render:          Render,
		Import:          importEdit,
		Strip: func(src []byte) ([]byte, int, error) {
			return stripWith(src, grammar{p: p.ts, ts: true}, grammar{p: p.tsx}, grammar{p: p.js, js: true})
		},
		Validate: func(ctx context.Context, f *source.File, out []byte) error {
			if err := validate(ctx, p, nil, f, out); err != nil || types == nil || f.Abs == "" {
				return err
			}
			if err := types.Validate(ctx, f, out); err != nil && !errors.Is(err, errNoTSNode) {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
			return nil
		},
		Close: func() error {
			p.ts.Close()
			p.tsx.Close()
			if types != nil {
				return types.Close()
			}
			return nil
		},

		RuntimeMarker:    lang.RuntimeModule,
		RuntimeBodies:    [][]byte{tsRuntime},
		LineComment:      "//",
		Place:            placeTypeScript(string(tsRuntime)),
		Declarations:     []string{".d.ts", ".d.mts", ".d.cts"},
		ModuleExtensions: map[string]source.Module{".mts": source.ModuleESM, ".cts": source.ModuleCommonJS},
		PackageModule:    true,
	}
	return js, ts
}

// validate checks instrumented output: a clean parse with f's grammar and,
// for JavaScript other than JSX, node's compiler when a checker is running.
func validate(ctx context.Context, p *parsers, checker *nodeChecker, f *source.File, out []byte) error {
	tree, err := p.parse(ctx, f, out)
	if err != nil {
		return fmt.Errorf("instrumented output does not parse: %w", err)
	}
	defer tree.Close()
	return checkWithNode(ctx, checker, f, tree, out)
}

// validateStrip is validate and then Strip for JavaScript, from one parse
// of out: the grammar validate parses with is the one Strip tries first,
// and the parse it accepts is clean, so it is the tree Strip would keep.
func validateStrip(ctx context.Context, p *parsers, checker *nodeChecker, f *source.File, out []byte) (back []byte, stripErr, invalid error) {
	if f.Lang != source.JavaScript {
		// Another grammar, or TypeScript's masked text: no parse to share.
		if err := validate(ctx, p, checker, f, out); err != nil {
			return nil, nil, err
		}
		back, _, stripErr = stripWith(out, grammar{p: p.js, js: true}, grammar{p: p.ts, ts: true}, grammar{p: p.tsx})
		return back, stripErr, nil
	}
	tree, err := p.parse(ctx, f, out)
	if err != nil {
		return nil, nil, fmt.Errorf("instrumented output does not parse: %w", err)
	}
	defer tree.Close()
	if err := checkWithNode(ctx, checker, f, tree, out); err != nil {
		return nil, nil, err
	}
	back, _, stripErr = stripTree(tree, grammar{p: p.js, js: true}, out)
	return back, stripErr, nil
}

// checkWithNode has node's compiler check out, parsed as tree, for JavaScript
// other than JSX when a checker is running.
func checkWithNode(ctx context.Context, checker *nodeChecker, f *source.File, tree *treesitter.Tree, out []byte) error {
	mod := moduleFrom(f, scanModuleUse(tree.RootNode(), out))
	if checker == nil || f.Lang != source.JavaScript || isJSX(f, tree.RootNode(), out) {
		return nil
	}
	esm := mod == source.ModuleESM
	switch {
	case strings.HasSuffix(f.Path, ".mjs"):
		esm = true
	case strings.HasSuffix(f.Path, ".cjs"):
		esm = false
	}
	if err := checker.Check(ctx, out, esm); err != nil {
		return fmt.Errorf("%s: node rejects the instrumented output: %w", f.Path, err)
	}
	return nil
}

// isJSX reports whether f, parsed as root from src, is JSX: a .jsx file,
// or a .js one with elements in it, as React projects built by Babel,
// webpack or Vite write them. Node's compiler rejects JSX, the original's
// as much as the output's, so only the grammar can judge it.
func isJSX(f *source.File, root *treesitter.Node, src []byte) bool {
	if strings.HasSuffix(f.Path, ".jsx") {
		return true
	}
	// Every element has a closing tag or ends with "/>".
	if !bytes.Contains(src, []byte("</")) && !bytes.Contains(src, []byte("/>")) {
		return false
	}
	return hasJSXElement(root)
}

// hasJSXElement reports whether the tree under n holds a JSX element
// (fragments are elements without a name).
func hasJSXElement(n *treesitter.Node) bool {
	switch n.Kind() {
	case "jsx_element", "jsx_self_closing_element":
		return true
	}
	for i := uint(0); i < n.NamedChildCount(); i++ {
		if c := n.NamedChild(i); c != nil && hasJSXElement(c) {
			return true
		}
	}
	return false
}

// isDeclarationFile reports whether path is a TypeScript declaration file,
// which holds no code to instrument.
func isDeclarationFile(path string) bool {
	for _, ext := range []string{".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

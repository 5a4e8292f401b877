// Package golang is the Go Language: it finds functions, methods and
// function literals (named after what they are bound to, see literalName),
// for loops and variable assignments with the official tree-sitter-go
// grammar, renders the calls of docs/injected-code.md, strips them again
// byte for byte, places the runtime (the package _telemetry_utils at the
// root of the file's module, else a file zz_telemetry_utils.go in each
// instrumented package's folder: see goModule), and validates instrumented
// output with a clean parse (tree-sitter and gofmt's go/parser) plus, when
// a go toolchain is on PATH, the type checker of go build's front end on
// the package with the output and the runtime in place (see checker).
//
// Every insertion stays on the line it is inserted into, between /*@ti{*/
// and /*}@ti*/ markers: no line of the file moves, so panics,
// runtime.Caller and coverage profiles report the original lines without
// //line directives (columns move only on the lines that gain an
// insertion). A function gets one deferred call as its first statement: no
// wrapper, no extra frame while its body runs, named results, its own
// defers and recover untouched. A panic is recorded but never recovered; a
// returned error is read through the last result (see errorResult). A
// function's own context.Context parameter is passed by address, so that
// in a module that requires OpenTelemetry (whose runtime is the
// OpenTelemetry variant, see runtimeFor) the spans the function starts
// from it are its span's children.
//
// Left alone: generated files (// Code generated ... DO NOT EDIT.), cgo
// files, files built only with the ignore tag, test files, functions
// without a body, and what //telemetry-inject:ignore marks.
package golang

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"runtime"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// Options configures the Go language.
type Options struct {
	// Go is the go command whose go list gives Validate the package's
	// files and its dependencies' export data; "" looks it up on PATH.
	// Without one, Validate relies on the parse.
	Go string
	// NoToolchain turns the type check off even when go is found.
	NoToolchain bool
}

type language struct {
	parser *treesitter.Parser
	types  *checker // nil without a toolchain

	mu   sync.Mutex
	mods map[string]goModule // by folder and its path from the scanned root

	closeOnce sync.Once
}

// New returns the Go Language.
func New(opts Options) lang.Language {
	l := &language{parser: treesitter.NewParser(treesitter.Go, runtime.GOMAXPROCS(0)), mods: map[string]goModule{}}
	if !opts.NoToolchain {
		l.types = newChecker(opts.Go)
	}
	return lang.Language{
		Name:  source.Go,
		Title: "Go",
		// Generated Go can hold long lines of data; the scan has always
		// skipped such files as it does bundles.
		Minifiable: true,
		Extensions: []string{".go"},
		Find:       l.find,
		Render:     l.render,
		Import:     importRuntime,
		Strip:      l.strip,
		Validate:   l.validate,
		Place:      lang.PlaceEach(l.place),
		// The shared package's file, by its path from the module's root,
		// and the per-package copy's; the scan skips both by base name.
		RuntimeNames: []string{utilfiles.GoFileName, utilfiles.GoPackageDir + "/" + utilfiles.GoFileName},
		Close:        l.close,

		LineComment:   "//",
		RuntimeMarker: lang.RuntimeModule, // the prefix of the runtime's identifiers
	}
}

// parse parses src and fails with the first syntax error's position.
func (l *language) parse(ctx context.Context, src []byte) (*treesitter.Tree, error) {
	// Uncancellable, as in the other languages: the bindings' ParseCtx
	// crashes when cancelled mid-parse (go-tree-sitter v0.25.0).
	tree, err := l.parser.Parse(context.WithoutCancel(ctx), src)
	if err != nil {
		return nil, err
	}
	if err := treesitter.SyntaxError(tree.RootNode(), src); err != nil {
		tree.Close()
		return nil, err
	}
	return tree, nil
}

// validate checks instrumented output: a clean parse by tree-sitter (by
// which Strip finds the markers) and by go/parser, then a type check of
// the package with the output and the runtime in place.
func (l *language) validate(ctx context.Context, f *source.File, out []byte) error {
	tree, err := l.parse(ctx, out)
	if err != nil {
		return fmt.Errorf("instrumented output does not parse: %w", err)
	}
	tree.Close()
	// go/parser is gofmt's own parser: what it rejects, no go tool builds.
	if _, err := parser.ParseFile(token.NewFileSet(), f.Path, out, parser.SkipObjectResolution); err != nil {
		return fmt.Errorf("instrumented output does not parse: %w", err)
	}
	if l.types == nil || f.Abs == "" {
		return nil
	}
	pkg := packageName(out)
	if pkg == "" {
		return nil
	}
	m := l.module(f)
	if m.shared {
		return l.types.check(ctx, f.Abs, out, runtimeFor(m, ""), m.path)
	}
	return l.types.check(ctx, f.Abs, out, runtimeFor(m, pkg), "")
}

func (l *language) close() error {
	l.closeOnce.Do(l.parser.Close)
	return nil
}

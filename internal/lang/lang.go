// Package lang defines the Language value: everything the pipeline needs to
// know about one source language, bundled so the pipeline can drive Python,
// JavaScript and TypeScript the same way. The concrete languages live in the
// python and javascript subpackages; treesitter holds the only cgo.
package lang

import (
	"context"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Language is one source language. Every function field is safe to call from
// several goroutines at once.
type Language struct {
	// Name is the language's name.
	Name source.Language
	// Title is how reports spell the language ("TypeScript").
	Title string
	// Extensions are the file extensions, with the dot, in lower case,
	// that belong to the language: the scan finds its files by them.
	Extensions []string
	// TSXExtensions are the Extensions whose files the scan marks as
	// needing the TSX grammar (source.File.TSX).
	TSXExtensions []string
	// Minifiable says the language is shipped minified, so the scan skips
	// a file whose lines average hundreds of bytes as a bundle. Python is
	// never minified, and some hand-written Python holds long data lines.
	Minifiable bool

	// Find parses f and returns its constructs in source order. It fails
	// (with the line and column of the first syntax error) when f does not
	// parse cleanly, so a broken file is reported and left alone. The
	// constructs carry Skip reasons where the file or the construct opted
	// out or cannot be instrumented invisibly.
	Find func(f *source.File) ([]source.Construct, error)

	// Render returns the insertions that instrument c as d decides. d has
	// been validated against c's scope; Render writes every character of the
	// injected code itself, escaping names into literals.
	Render func(f *source.File, c *source.Construct, d source.Decision) []inject.Edit

	// Import returns the insertion that makes the runtime available to f,
	// given the module specifier to import it from (a Python module such as
	// "._telemetry_utils" or "_telemetry_utils", or a JS path such as
	// "../_telemetry_utils.js"). It goes after shebangs, encoding lines,
	// docstrings, "from __future__" imports and directive prologues.
	Import func(f *source.File, spec string) inject.Edit

	// Module, when set, returns the module system f's injected import will
	// use (JavaScript: ESM when the file has import or export statements,
	// whatever package.json says), so the runtime file placed for it is of
	// the same kind. Nil means f.Module as the scanner found it.
	Module func(f *source.File) source.Module

	// Strip removes every piece a previous run injected, giving back the
	// original bytes exactly, and reports how many pieces it removed. It fails,
	// naming the file's line, when it finds injected code it cannot take out
	// exactly (a formatter rewrapped it, say): the caller must then leave the
	// file, and the runtime it imports, alone.
	Strip func(src []byte) ([]byte, int, error)

	// Validate checks that instrumented output is a valid program before it
	// replaces the original. Python: our indentation layout check, then
	// CPython's compiler when python3 is on PATH (a tree-sitter parse only
	// where the compiler cannot judge). JavaScript: a clean parse, then
	// node's own check when node is on PATH. TypeScript: a clean parse.
	Validate func(ctx context.Context, f *source.File, out []byte) error

	// ValidateStrip, when set, does what Validate and then Strip do to
	// instrumented output, from one parse of it where calling the two in
	// turn would parse it twice (parsing is most of a run's work). invalid
	// is what Validate would return; when it is nil, back and stripErr are
	// what Strip would return. Nil means the pipeline calls the two.
	ValidateStrip func(ctx context.Context, f *source.File, out []byte) (back []byte, stripErr, invalid error)

	// Place, when set, decides where f's runtime file goes and what it
	// holds (Placement.Content), instead of layout's rules for Python and
	// JavaScript/TypeScript: a language that owns its runtime placement is
	// added without touching layout or pipeline. Import then receives
	// Placement.Spec.
	Place func(f *source.File) layout.Placement

	// RuntimeNames are the base names of the language's runtime files:
	// --remove looks for them in every folder it scans, and the scan never
	// reads them.
	RuntimeNames []string

	// RuntimePrefixes are base-name prefixes that mark a file as one of
	// the tool's runtime files ("_telemetry_utils." covers the .d.ts
	// beside a .ts): the scan never reads such a file, whatever its
	// extension.
	RuntimePrefixes []string

	// Close releases what the language holds (a long-lived compiler
	// process, say). It may be nil.
	Close func() error
}

// Scanned returns what the scan needs to know of the languages: the
// extensions of their files and the names of their runtime files.
func Scanned(ls []*Language) scan.Languages {
	out := make(scan.Languages, 0, len(ls))
	for _, l := range ls {
		out = append(out, scan.Language{
			Name:            l.Name,
			Title:           l.Title,
			Extensions:      l.Extensions,
			TSXExtensions:   l.TSXExtensions,
			RuntimePrefixes: l.RuntimePrefixes,
			RuntimeNames:    l.RuntimeNames,
			Minifiable:      l.Minifiable,
		})
	}
	return out
}

// RuntimeFilePrefix starts the base name of the runtime file of every
// language whose toolchain does not ignore such names (Go's does).
const RuntimeFilePrefix = "_telemetry_utils."

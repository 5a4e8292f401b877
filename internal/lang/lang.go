// Package lang defines the Language value: everything the pipeline needs to
// know about one source language, bundled so the pipeline can drive Python,
// JavaScript and TypeScript the same way. The concrete languages live in the
// python and javascript subpackages; treesitter holds the only cgo.
package lang

import (
	"bytes"
	"context"
	"strings"
	"unicode/utf8"

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

	// Place decides where the runtime file of each of files (the
	// language's files that will be instrumented, keyed by File.Path in
	// the result) goes, what it holds (Placement.Content) and how the file
	// imports it (Placement.Spec, which Import then receives). module is
	// each file's effective module system (see Module). tree answers
	// questions about the project's files. Files are given together
	// because a placement may depend on all of them (TypeScript's runtime
	// goes to the common folder of a package's files); PlaceEach adapts a
	// placement that depends on the file alone.
	Place func(tree layout.FS, files []*source.File, module func(*source.File) source.Module) map[string]layout.Placement

	// LineComment starts a comment that runs to the end of the line ("#",
	// "//"): the pipeline marks the runtime files it writes with a header
	// line in this form.
	LineComment string

	// RuntimeMarker is text every file instrumented in the language holds
	// near its top (its import of the runtime): a large file holding it is
	// scanned though over the size limit, and --remove keeps a runtime
	// file while a file in its folder tree holds it.
	RuntimeMarker string

	// RuntimeBodies are the contents (without the header line) of the
	// runtime files the language writes whatever the folder, by which
	// --remove recognises one written before files carried the header.
	RuntimeBodies [][]byte

	// NPMPublished says the runtime file must be among what npm publishes
	// of the package holding it (JavaScript's; TypeScript's ships
	// compiled), so the pipeline edits the package's "files" list or
	// .npmignore when they would leave it out (see layout.ShipRuntime).
	NPMPublished bool

	// Compiled lists the files running the program derived from the
	// runtime file at abs (Python's __pycache__ byte code). --remove
	// deletes them with the runtime, and their folder when that leaves it
	// empty, so a project that was run comes back byte for byte; nil for
	// a language that leaves nothing beside its sources.
	Compiled func(abs string) ([]string, error)

	// Declarations are the file-name suffixes, in lower case, of files
	// that only declare types (TypeScript's .d.ts): the scan skips them.
	Declarations []string

	// ModuleExtensions fixes the module system of files with these
	// extensions (.mjs: ESM), whatever the package says.
	ModuleExtensions map[string]source.Module

	// PackageModule says the nearest package.json decides the module
	// system of the other files (its "type": ESM for "module", CommonJS
	// otherwise; none without a package.json).
	PackageModule bool

	// RuntimeNames are the base names of the language's runtime files:
	// --remove looks for them in every folder it scans, and the scan never
	// reads them. A name may start with a folder (Go's shared package,
	// "_telemetry_utils/zz_telemetry_utils.go"): such a runtime serves the
	// tree of the folder it was found from, --remove deletes its folder
	// with it once empty, and the scan skips it by its base name.
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
			Name:             l.Name,
			Title:            l.Title,
			Extensions:       l.Extensions,
			TSXExtensions:    l.TSXExtensions,
			RuntimePrefixes:  l.RuntimePrefixes,
			RuntimeNames:     l.RuntimeNames,
			RuntimeMarker:    l.RuntimeMarker,
			Minifiable:       l.Minifiable,
			Declarations:     l.Declarations,
			ModuleExtensions: l.ModuleExtensions,
			PackageModule:    l.PackageModule,
		})
	}
	return out
}

// RuntimeModule is the name of the runtime module in every language whose
// toolchain does not ignore such names (Go's does), and part of the names
// of the runtime's identifiers in all of them: every instrumented file
// names it.
const RuntimeModule = "_telemetry_utils"

// RuntimeFilePrefix starts the base name of the runtime file of every
// language whose toolchain does not ignore such names.
const RuntimeFilePrefix = RuntimeModule + "."

// PlaceEach makes a Place from a placement that depends on the file alone.
func PlaceEach(place func(f *source.File) layout.Placement) func(layout.FS, []*source.File, func(*source.File) source.Module) map[string]layout.Placement {
	return func(_ layout.FS, files []*source.File, _ func(*source.File) source.Module) map[string]layout.Placement {
		out := make(map[string]layout.Placement, len(files))
		for _, f := range files {
			out[f.Path] = place(f)
		}
		return out
	}
}

// maxHeaderLines bounds a multi-line signature, and maxHeaderBytes a
// signature on a minified line, which would otherwise bring the whole line
// into every prompt about the function's loops and variables.
const (
	maxHeaderLines = 8
	maxHeaderBytes = 2048
)

// Header returns the signature of a function, as Construct.Header carries
// it for the loops and variables inside: the lines from the one holding
// byte offset start (the def, func or function line, past any decorators)
// to the one holding offset end (where the body begins: Python's colon,
// the brace), carriage returns removed, at most maxHeaderLines lines and
// maxHeaderBytes bytes.
func Header(src []byte, start, end int) string {
	end = max(end, start)
	from := bytes.LastIndexByte(src[:start], '\n') + 1
	to := len(src)
	if j := bytes.IndexByte(src[end:], '\n'); j >= 0 {
		to = end + j
	}
	h := src[from:to]
	for i, n := 0, 0; i < len(h); i++ {
		if h[i] == '\n' {
			if n++; n == maxHeaderLines {
				h = h[:i]
				break
			}
		}
	}
	if len(h) > maxHeaderBytes {
		cut := maxHeaderBytes
		for cut > 0 && !utf8.RuneStart(h[cut]) {
			cut--
		}
		h = h[:cut]
	}
	if bytes.IndexByte(h, '\r') < 0 {
		return string(h) // the usual case, in one allocation
	}
	lines := strings.Split(string(h), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return strings.Join(lines, "\n")
}

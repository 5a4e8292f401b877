// Package source holds the plain data that the pipeline's stages hand each
// other: files, the constructs found in them, and the decisions taken about
// those constructs. It does no work of its own, so every stage can import it
// without importing another stage.
package source

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Language names a source language the tool understands.
type Language string

// The languages, named as users and reports name them.
const (
	Python     Language = "python"
	JavaScript Language = "javascript"
	TypeScript Language = "typescript"
	Go         Language = "go"
)

// Kind is the kind of code construct that can carry telemetry.
type Kind string

// The construct kinds. Their string values appear in reports, flags
// (--include/--exclude) and prompts, so they are part of the user contract.
const (
	Function Kind = "function"
	Loop     Kind = "loop"
	Variable Kind = "variable"
)

// Kinds lists every kind in report order.
var Kinds = []Kind{Function, Loop, Variable}

// Module says how a JavaScript or TypeScript file loads other modules, which
// decides the form of the injected import and of the runtime file.
type Module string

// The module systems a file can use.
const (
	ModuleNone     Module = ""         // Python, or undecided
	ModuleESM      Module = "esm"      // import/export, .mjs, package.json "type": "module"
	ModuleCommonJS Module = "commonjs" // require/module.exports, .cjs
)

// File is one source file as read from disk.
type File struct {
	// Path is the file's path relative to the scanned root, with forward
	// slashes; it is what reports, IDs and injected code.file.path show.
	Path string
	// Abs is the file's absolute path on disk.
	Abs string
	// Lang is the file's language, chosen from its extension.
	Lang Language
	// TSX is set for .tsx files, which need the TSX grammar.
	TSX bool
	// Module is the JS/TS module system in force for the file.
	Module Module
	// Src is the file's content. Stages never modify it in place.
	Src []byte
	// Mode is the file's permission bits, kept when the file is rewritten.
	Mode uint32
}

// Range is a half-open byte range [Start, End) in a file, with the 1-based
// lines of its first and last byte.
type Range struct {
	Start, End         int
	StartLine, EndLine int
}

// Construct is one function, loop or variable assignment that can carry
// telemetry, with everything a planner or an LLM needs to decide about it
// and everything the language's renderer needs to instrument it.
type Construct struct {
	// ID is stable across unrelated edits: see NewID.
	ID string
	// Kind is what the construct is.
	Kind Kind
	// Lang is the language of the file the construct is in.
	Lang Language
	// Path is the file's path relative to the scanned root.
	Path string
	// Name is the construct's own name: the function's name, the loop's
	// target or "while", the assigned variable.
	Name string
	// QualName is the dotted qualified name: module.Class.method for a
	// function, the enclosing function's QualName for a loop or variable.
	QualName string
	// Ordinal tells apart constructs that share Kind and QualName in one file
	// (two loops in one function), counting from 0 in source order.
	Ordinal int
	// Range is the construct's exact extent in the original file.
	Range Range
	// Indent is the indentation of the construct's first line.
	Indent string
	// Enclosing is the QualName of the function the construct is in, or ""
	// at module level.
	Enclosing string
	// Header is the signature of the Enclosing function, for a loop or a
	// variable: its first line with the lines that continue it while its
	// brackets are open, as the file has them (see lang.Header); "" at
	// module level. HeaderLine is its first line's number, from 1. The
	// prompt shows it for context.
	Header     string
	HeaderLine int
	// Params are the parameters of a function construct, in order, that are
	// plain identifiers (destructured parameters are left out).
	Params []string
	// Scope lists the identifiers visible at the construct that telemetry
	// may record: parameters and assigned locals of the enclosing function.
	Scope []string
	// Targets are the identifiers a variable construct assigns.
	Targets []string
	// Async and Generator describe a function construct.
	Async, Generator bool
	// ReturnType is a TypeScript function's return type annotation as
	// written, colon included (": Promise<T | void>"), when it is a plain
	// type on one line without comments; for a function declaration or
	// method without one that returns no value, the type TypeScript infers
	// for it (": void", ": Promise<void>"); else "".
	ReturnType string
	// Context is the name of a Go function's context.Context parameter,
	// which its span reads its parent from, or "".
	Context string
	// ContextCaptured says Context is not the function's own parameter
	// but a variable a Go function literal captures from its definer:
	// the span may read it, never rebind it.
	ContextCaptured bool
	// What the language knows of a function construct that planners and
	// prompts weigh, so they need not ask which language it is in. The
	// find step sets them; each is the zero value where it does not apply.
	//
	// Accessor: a property getter or setter (Python's @property and its
	// setter, JavaScript's get and set), which runs on attribute reads.
	Accessor bool
	// Docstring: the body opens with a string that documents it (Python's
	// docstring), which prompts shorten.
	Docstring bool
	// Declared: the language binds every such function by a declaration
	// statement of its own (Python's def), so the text before it says
	// nothing of how it is bound.
	Declared bool
	// Registered: a decorator other than functools.wraps hands the
	// function to something that keeps it (a route an app factory
	// registers), so a nested one is no step of its definer's work.
	Registered bool
	// Spawned: a function literal a go statement runs, on a goroutine of
	// its own.
	Spawned bool
	// Unnamed: Name says how a function literal is bound (Go's "go",
	// "defer" and "func") rather than naming it, so calls of it cannot be
	// found by its name.
	Unnamed bool
	// Protocol says why the language calls the function implicitly and
	// too often for a span (Python's dunder methods but the few that do
	// real work once; JavaScript's conversion and Symbol-keyed methods;
	// Go's String, Error, sort and encoding methods), or "".
	Protocol string
	// PerElement names the function a function literal is passed to when
	// the language knows it calls the literal once per element, comparison
	// or visited file (Go's sort.Slice, slices.IndexFunc,
	// filepath.WalkDir), or "".
	PerElement string
	// Serialized says why the construct's source text runs elsewhere, as
	// text, where the runtime is not (a JavaScript function handed to a
	// browser page's evaluate, or turned into a string for new Function, a
	// worker or a fresh context, and whatever lies inside it): injected
	// code there throws. "" otherwise. Planners leave such constructs
	// alone at every density.
	Serialized string
	// InLoop is set when the construct lies inside the body of a loop of its
	// own function (or of the module's top level), so that whatever is
	// injected for it runs once per iteration. Planners keep such places
	// quiet: telemetry there is noise and cost.
	InLoop bool
	// Skip, when set, says why the construct cannot be instrumented without
	// the program noticing (a function that inspects its caller's frame, an
	// overload without a body...). Skipped constructs are reported, never
	// sent to a planner.
	Skip string
	// Anchor holds the byte offsets the language's renderer needs. Only the
	// language package that found the construct interprets it.
	Anchor Anchor
}

// Anchor is the set of insertion points a renderer uses. Offsets index the
// original file; -1 means "not applicable".
type Anchor struct {
	// Before is where a line placed above the construct goes (start of the
	// line holding the innermost decorator position for Python functions).
	Before int
	// BodyStart is where code that runs first in the body goes.
	BodyStart int
	// BodyEnd is where code that runs last in a block body goes.
	BodyEnd int
	// After is where a line following the construct goes.
	After int
	// BodyIndent is the indentation of the body's statements.
	BodyIndent string
	// Inline is set when the body shares a line with the construct's header,
	// so insertions must stay on that line.
	Inline bool
	// Expression is set for an arrow function whose body is an expression.
	Expression bool
}

// NewID returns the stable ID of a construct: a short hash of its file path,
// kind, qualified name and ordinal. Byte offsets are deliberately left out,
// so an edit elsewhere in the file does not change the ID.
func NewID(path string, kind Kind, qualName string, ordinal int) string {
	h := sha256.New()
	for _, s := range []string{path, string(kind), qualName, strconv.Itoa(ordinal)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Code returns the construct's source text from the file it was found in.
func (c *Construct) Code(f *File) string {
	return string(f.Src[c.Range.Start:c.Range.End])
}

package javascript

import (
	"slices"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// The markers around every injected piece.
const (
	markOpen  = "/*@ti{*/"
	markClose = "/*}@ti*/"
)

// coverageHint goes with an injected piece holding code that runs only
// when something fails (after a catch block, before the runtime lookup
// with its fallback): V8
// coverage (c8, v8-to-istanbul) then counts the line's branches and
// functions as covered, as the original's were, so that a suite's
// threshold (c8 --100) still passes. It is the form that marks the line
// it is on, not the next. istanbulHint, before such a catch block, does
// the same for istanbul (nyc, babel-plugin-istanbul), which counts the
// block's statements and functions.
const (
	coverageHint = "/* c8 ignore next */"
	istanbulHint = "/* istanbul ignore next */"
)

// Edit ordering at a shared offset. Openings of outer constructs come
// before openings of inner ones (an outer body starting where an inner
// construct does); closings of inner constructs before outer ones. The
// code after a statement follows the closing of an arrow function that
// ends the statement but precedes the closing of the block holding it,
// and the code before a loop that starts where a statement ends.
const (
	importSeq     = -1 << 60
	openBase      = -1 << 50
	exprCloseBase = 1 << 40
	inlineAfter   = 1 << 48
	loopBefore    = inlineAfter + 1
	blockClose    = 1 << 55
)

// Render returns the insertions that instrument c as d decides, following
// docs/injected-code.md character for character. Every insertion goes
// inside a line the file already has, so that every line keeps its number:
// Error.stack, source maps, coverage and a debugger's breakpoints still
// point where they did; only columns after an insertion on its line move. A skipped decision, or
// a name that could not be written safely (whatever the caller checked),
// renders nothing.
func Render(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	if d.Skip || c.Skip != "" || !source.ValidName(d.Name) {
		return nil
	}
	r := renderer{src: f.Src}
	switch c.Kind {
	case source.Function:
		return r.function(f, c, d)
	case source.Loop:
		return r.loop(f, c, d)
	case source.Variable:
		return r.variable(f, c, d)
	}
	return nil
}

type renderer struct {
	src []byte
}

// inline renders code at offset at, on the line it is on.
func inline(at int, code string, seq int) inject.Edit {
	return inject.Edit{At: at, New: markOpen + code + markClose, Seq: seq}
}

func (r renderer) function(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	head := jsString(d.Name) + ", " + jsString(f.Path) + ", " + strconv.Itoa(c.Range.StartLine) + ", " + attributes(d.Attributes, c.Scope)
	// values: the attributes' values, not only their shapes (an opt-in).
	values := ""
	if d.RecordValue {
		values = ", 1"
	}
	a := c.Anchor
	if a.BodyStart < 0 || a.BodyEnd < 0 {
		return nil
	}
	open, close := openBase+c.Range.Start, blockClose-c.Range.Start
	catchPart := ""
	if d.RecordExceptions {
		catchPart = " catch (__ti_e) " + istanbulHint + " { __ti.fail(__ti_s, __ti_e); throw __ti_e; } " + coverageHint
	}
	if a.Expression && !c.Async {
		// The expression becomes the returned value of a block body: no
		// closure is added, so TypeScript's narrowing of captured
		// variables holds inside it as before, and no runtime frame
		// joins the stack.
		return []inject.Edit{
			inline(a.BodyStart, "{const __ti_s = __ti.enter("+head+values+"); try { return (", open),
			inline(a.BodyEnd, "); }"+catchPart+" finally { __ti.exit(__ti_s); }}", exprCloseBase-c.Range.Start),
		}
	}
	if a.Expression {
		// An async arrow's span lasts until its promise settles, and the
		// span must stay current across its awaits: run does both.
		// Awaiting run's promise costs the function one microtask tick,
		// where returning it cost two more, and V8 follows an await to
		// write the callers' `at async` frames into Error.stack.
		return []inject.Edit{
			inline(a.BodyStart, "await __ti.run("+head+", async () => (", open),
			inline(a.BodyEnd, ")"+values+")", exprCloseBase-c.Range.Start),
		}
	}
	var first, last string
	switch {
	case c.Async && !c.Generator && f.Lang == source.JavaScript && c.ReturnType != "":
		// JSDoc gives tsc, checking JavaScript, the type the original
		// inferred (see returnType).
		first = "return await __ti.run(" + head + ", /** @returns {" + strings.TrimPrefix(c.ReturnType, ": ") + "} */ async () => {"
		last = "}" + values + ");"
	case c.Async && !c.Generator:
		// The arrow takes the function's return type annotation, which
		// checks its returns as the function's were (see returnType). The
		// await as for an async arrow above.
		first = "return await __ti.run(" + head + ", async ()" + c.ReturnType + " => {"
		last = "}" + values + ");"
	case declaresFunctions(f, c):
		// A try block would put the body's function declarations inside a
		// block, which TypeScript rejects for ES5 targets (TS1252); an
		// arrow's body is a function body, and an arrow keeps this,
		// arguments, new.target and super.
		first = "return __ti.run(" + head + ", ()" + c.ReturnType + " => {"
		last = "}" + values + ");"
	default:
		first = "const __ti_s = __ti.enter(" + head + values + "); try {"
		last = "}" + catchPart + " finally { __ti.exit(__ti_s); }"
	}
	if a.BodyStart > 0 && (r.src[a.BodyStart-1] == '"' || r.src[a.BodyStart-1] == '\'') {
		// After a directive that has no semicolon: with no line break
		// between, ASI would not end it.
		first = ";" + first
	}
	return []inject.Edit{
		inline(a.BodyStart, first, open),
		inline(a.BodyEnd, last, close),
	}
}

func (r renderer) loop(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	a := c.Anchor
	// The code before the loop starts with an identifier, which no
	// statement before it can take as its continuation: ASI ends that
	// statement as it ended it before the loop (a lone `let` is the one
	// exception, which the finder skips).
	edits := []inject.Edit{
		inline(a.Before, "__ti.loop("+jsString(d.Name)+", "+jsString(f.Path)+", "+strconv.Itoa(c.Range.StartLine)+");", loopBefore),
	}
	if d.CountIterations && a.BodyStart >= 0 {
		edits = append(edits, inline(a.BodyStart, "__ti.tick("+jsString(d.Name)+");", openBase+c.Range.Start))
	}
	return edits
}

func (r renderer) variable(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	loc := jsString(f.Path) + ", " + strconv.Itoa(c.Range.StartLine)
	// The shape of the value by default, the value itself when the run
	// opted in, nothing but the event for a sensitive value or one the
	// finder found unsafe to read (Targets empty).
	fn := "__ti.v("
	if d.RecordValue {
		fn = "__ti.val("
	}
	var code string
	switch {
	case d.Sensitive || len(c.Targets) == 0:
		code = "__ti.mark(" + jsString(d.Name) + ", " + loc + ");"
	case len(c.Targets) == 1:
		code = fn + jsString(d.Name) + ", " + c.Targets[0] + ", " + loc + ");"
	default:
		code = fn + jsString(d.Name) + ", " + attributes(c.Targets, c.Targets) + ", " + loc + ");"
	}
	// Right after the statement: one that ASI ended (no semicolon) gets
	// its semicolon inside the marker, which the code's own closing
	// semicolon keeps from joining the next line's tokens.
	at := c.Anchor.After
	if r.src[at-1] != ';' {
		code = ";" + code
	}
	return []inject.Edit{inline(at, code, inlineAfter)}
}

// attributes renders {a: a, b: b} for the names that are in scope, keeping
// the given order and dropping duplicates.
func attributes(names, scope []string) string {
	var parts []string
	var seen []string
	for _, n := range names {
		if !slices.Contains(scope, n) || slices.Contains(seen, n) || !isIdentifier(n) {
			continue
		}
		seen = append(seen, n)
		parts = append(parts, n+": "+n)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// isIdentifier reports whether s is a plain identifier that can stand as
// both an object key and a value.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}

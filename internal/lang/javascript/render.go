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

// Edit ordering at a shared offset. Openings of outer constructs come
// before openings of inner ones (an outer body starting where an inner
// construct does); closings of inner constructs before outer ones. An
// inline line after a statement follows the closing of an arrow function
// that ends the statement but precedes the closing of the block holding
// it; a whole line after a statement precedes the closing line of its
// block.
const (
	importSeq     = -1 << 60
	openBase      = -1 << 50
	lineAfterSeq  = -1
	exprCloseBase = 1 << 40
	inlineAfter   = 1 << 48
	blockClose    = 1 << 55
)

// Render returns the insertions that instrument c as d decides, following
// docs/injected-code.md character for character. A skipped decision, or
// a name that could not be written safely (whatever the caller checked),
// renders nothing.
func Render(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	if d.Skip || c.Skip != "" || !source.ValidName(d.Name) {
		return nil
	}
	r := renderer{src: f.Src, eol: lineEnding(f.Src)}
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
	eol string
}

// piece renders code at offset at: a whole line of its own with the given
// indentation when at begins a line, else inline.
func (r renderer) piece(at int, indent, code string, seq int) inject.Edit {
	if at == 0 || r.src[at-1] == '\n' {
		return inject.Edit{At: at, New: indent + markOpen + code + markClose + r.eol, Seq: seq}
	}
	return inject.Edit{At: at, New: markOpen + code + markClose, Seq: seq}
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
		catchPart = " catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; }"
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
		return []inject.Edit{
			inline(a.BodyStart, "__ti.run("+head+", async () => (", open),
			inline(a.BodyEnd, ")"+values+")", exprCloseBase-c.Range.Start),
		}
	}
	var first, last string
	switch {
	case c.Async && !c.Generator:
		first = "return __ti.run(" + head + ", async () => {"
		last = "}" + values + ");"
	case declaresFunctions(f, c):
		// A try block would put the body's function declarations inside a
		// block, which TypeScript rejects for ES5 targets (TS1252); an
		// arrow's body is a function body, and an arrow keeps this,
		// arguments, new.target and super.
		first = "return __ti.run(" + head + ", () => {"
		last = "}" + values + ");"
	default:
		first = "const __ti_s = __ti.enter(" + head + values + "); try {"
		last = "}" + catchPart + " finally { __ti.exit(__ti_s); }"
	}
	if a.BodyStart > 0 && (r.src[a.BodyStart-1] == '"' || r.src[a.BodyStart-1] == '\'') {
		// Inline after a directive that has no semicolon: without a line
		// break, ASI would not end it.
		first = ";" + first
	}
	return []inject.Edit{
		r.piece(a.BodyStart, a.BodyIndent, first, open),
		r.piece(a.BodyEnd, a.BodyIndent, last, close),
	}
}

func (r renderer) loop(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	a := c.Anchor
	edits := []inject.Edit{
		r.piece(a.Before, c.Indent, "__ti.loop("+jsString(d.Name)+", "+jsString(f.Path)+", "+strconv.Itoa(c.Range.StartLine)+");", 0),
	}
	if d.CountIterations && a.BodyStart >= 0 {
		edits = append(edits, r.piece(a.BodyStart, a.BodyIndent, "__ti.tick("+jsString(d.Name)+");", openBase+c.Range.Start))
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
	at := c.Anchor.After
	if at == 0 || r.src[at-1] == '\n' {
		return []inject.Edit{r.piece(at, c.Indent, code, lineAfterSeq)}
	}
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

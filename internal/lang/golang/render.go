package golang

import (
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// The markers around every inserted piece, as in JavaScript: block comments
// that hold no line break, so no line of the file moves and panics,
// runtime.Caller and coverage keep reporting the original lines.
const (
	markOpen  = "/*@ti{*/"
	markClose = "/*}@ti*/"
)

// runtimePrefix starts every runtime identifier; user code never uses it.
const runtimePrefix = "_telemetry_utils_"

// api is how injected code calls the runtime: the functions it calls and
// the methods of what they return.
type api struct {
	fn, fnCtx, loop, vars, vals, mark string
	end, endErr, tick                 string
}

// apiFor returns the names f's injected code calls: the per-package
// copy's unexported ones, or the shared package's API through its import
// (see utilfiles.GoPackage).
func (l *language) apiFor(f *source.File) *api {
	if l.module(f).shared {
		return &api{sharedName + ".Fn", sharedName + ".FnCtx", sharedName + ".Loop", sharedName + ".Var", sharedName + ".Val", sharedName + ".Mark",
			"End", "EndErr", "Tick"}
	}
	return &api{runtimePrefix + "fn", runtimePrefix + "fnc", runtimePrefix + "loop", runtimePrefix + "var", runtimePrefix + "val", runtimePrefix + "mark",
		"end", "endErr", "tick"}
}

// render returns the insertions for c as d decides; none for a name that
// could not be written safely, whatever the caller checked.
func (l *language) render(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	if d.Skip || c.Skip != "" || !source.ValidName(d.Name) {
		return nil
	}
	a := l.apiFor(f)
	switch c.Kind {
	case source.Function:
		return renderFunction(a, f, c, d)
	case source.Loop:
		return renderLoop(a, f, c, d)
	case source.Variable:
		return renderVariable(a, f, c, d)
	}
	return nil
}

// renderFunction puts one deferred call first in the body: it starts the
// span when the defer statement runs and ends it when the function
// returns or panics. No wrapper function, no new frame while the body
// runs; named results and the function's own defers and recovers are
// untouched. A function whose last result is an error passes a pointer to
// it, naming unnamed results (see errorResult), so that the span records
// the error the function returns. The function's own context parameter
// goes by address, to fnCtx: the runtime may rebind it to carry the span
// (see _telemetry_utils_fnc), a context captured from the definer never.
func renderFunction(a *api, f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	fn, ctx := a.fn, "nil"
	switch {
	case c.Context != "" && c.ContextCaptured:
		ctx = c.Context
	case c.Context != "":
		fn, ctx = a.fnCtx, "&"+c.Context
	}
	var b strings.Builder
	b.WriteString(markOpen + "defer " + fn + "(" + ctx + ", " + strconv.Quote(d.Name) + ", " + strconv.Quote(f.Path) + ", " +
		strconv.Itoa(c.Range.StartLine) + ", " + strconv.FormatBool(d.RecordExceptions) + ", " + strconv.FormatBool(d.RecordValue))
	for _, a := range d.Attributes {
		if !isIdent(a) {
			continue
		}
		b.WriteString(", " + strconv.Quote(a) + ", &" + a)
	}
	var edits []inject.Edit
	end := ")." + a.end + "()"
	if d.RecordExceptions && !makesErrors(c.Name) {
		if ptr, named := errorResult(f.Src, c); ptr != "" {
			end = ")." + a.endErr + "(" + ptr + ")"
			edits = named
		}
	}
	b.WriteString(end + ";" + markClose)
	return append(edits, inject.Edit{At: c.Anchor.BodyStart, New: b.String()})
}

// renderLoop declares the loop's counter before the loop (and its label)
// and ticks it first in the body, or only emits the loop event.
func renderLoop(a *api, f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	call := a.loop + "(" + strconv.Quote(d.Name) + ", " + strconv.Quote(f.Path) + ", " + strconv.Itoa(c.Range.StartLine) + ")"
	if !d.CountIterations || c.Anchor.BodyStart < 0 {
		return []inject.Edit{{At: c.Anchor.Before, New: markOpen + call + ";" + markClose}}
	}
	counter := runtimePrefix + "l" + strconv.Itoa(c.Range.Start)
	return []inject.Edit{
		{At: c.Anchor.Before, New: markOpen + counter + " := " + call + ";" + markClose},
		{At: c.Anchor.BodyStart, New: markOpen + counter + "." + a.tick + "();" + markClose, Seq: 1},
	}
}

// renderVariable records the assigned variables after the statement, on
// its line: their shapes, their values when the run opted in, or only the
// event for sensitive names. Pointers are passed, so no value (a lock, say)
// is copied.
func renderVariable(a *api, f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	fn := a.vars
	switch {
	case d.Sensitive:
		fn = a.mark
	case d.RecordValue:
		fn = a.vals
	}
	var b strings.Builder
	b.WriteString(markOpen + "; " + fn + "(" + strconv.Quote(d.Name) + ", " + strconv.Quote(f.Path) + ", " + strconv.Itoa(c.Range.StartLine))
	if fn != a.mark {
		for _, t := range c.Targets {
			b.WriteString(", &" + t)
		}
	}
	b.WriteString(")" + markClose)
	return []inject.Edit{{At: c.Anchor.After, New: b.String(), Seq: -1}}
}

// makesErrors reports whether a function's name says the error it returns
// is its product, not its failure: newPanicError, wrapErr, toError,
// Errorf. Its span is not marked ERROR for returning one.
func makesErrors(name string) bool {
	low := strings.ToLower(name)
	return strings.Contains(low, "error") || strings.HasSuffix(low, "err") || strings.HasSuffix(low, "errs")
}

package python

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Marker ends every line the tool inserts and every statement it appends
// to a line; Strip recognises the statements it carries by their syntax,
// and the marker only confirms them.
const Marker = "  # @telemetry-inject"

// Edit order at a shared offset: the import first; then whole inserted
// lines, each of which writes all of its own indentation (a variable line
// belonging to the statement above, a function's with line, a tick opening
// a loop body, a loop line); last the indentation units the enclosing with
// blocks insert at the start of the original line found there.
const (
	seqImport = iota
	seqVar
	seqSpan
	seqTick
	seqLoop
	seqIndent
)

// render returns the insertions that instrument c as d decides. A skipped
// construct or decision, or a name that could not be written safely, gives
// no edits.
func (l *language) render(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	if d.Skip || c.Skip != "" || !source.ValidName(d.Name) {
		return nil
	}
	src := f.Src
	name, file, line := pyString(d.Name), pyString(f.Path), strconv.Itoa(c.Range.StartLine)
	// Every line inserted inside an instrumented function's with block
	// carries that block's indentation unit: see spanLog.
	prefix := l.spans.prefix(f, c.Range.Start)
	switch c.Kind {
	case source.Function:
		return l.renderSpan(f, c, d, prefix)
	case source.Loop:
		if c.Anchor.Before < 0 {
			return nil
		}
		edits := []inject.Edit{lineAt(src, c.Anchor.Before, prefix, fmt.Sprintf("%s(%s, %s, %s)", current.loop, name, file, line), seqLoop)}
		// The tick is a line of its own above the body's first statement.
		// Put in front of it, on its line, it was part of the text a
		// traceback shows for that line (extract_tb's line, which code
		// compares to its source); an inline body (the header's line) has
		// no line of its own to give it, so its iterations go uncounted.
		if d.CountIterations && c.Anchor.BodyStart >= 0 && !c.Anchor.Inline {
			edits = append(edits, lineAt(src, c.Anchor.BodyStart, prefix, current.tick+"("+name+")", seqTick))
		}
		return edits
	case source.Variable:
		if c.Anchor.After < 0 || len(c.Targets) == 0 {
			return nil
		}
		for _, t := range c.Targets {
			if !isIdentifier(t) {
				return nil
			}
		}
		value := c.Targets[0]
		if len(c.Targets) > 1 {
			value = "(" + strings.Join(c.Targets, ", ") + ")"
		}
		var code string
		switch {
		case d.Sensitive:
			code = fmt.Sprintf("%s(%s, %s, %s)", current.mark, name, file, line)
		case d.RecordValue:
			code = fmt.Sprintf("%s(%s, %s, %s, %s)", current.val, name, value, file, line)
		default:
			code = fmt.Sprintf("%s(%s, %s, %s, %s)", current.vars, name, value, file, line)
		}
		if ownLine(src, c.Range.Start, c.Range.End) && cannotRaise(src[c.Range.Start:c.Range.End]) {
			// Appended to the statement's own line, as the import is: the
			// lines below do not move.
			return []inject.Edit{{At: c.Range.End, New: appendSep + code + Marker, Seq: seqVar}}
		}
		indent := prefix + leadingSpace(src, lineStart(src, c.Range.Start))
		return []inject.Edit{lineAfter(src, c.Anchor.After, indent, code, seqVar)}
	}
	return nil
}

// renderSpan returns a function's with line, placed after the docstring,
// and the indentation unit inserted at the start of every line that begins
// a logical line of the body after it.
func (l *language) renderSpan(f *source.File, c *source.Construct, d source.Decision, prefix string) []inject.Edit {
	a := c.Anchor
	if a.BodyStart < 0 || a.Inline || a.BodyEnd <= a.BodyStart {
		return nil
	}
	var attrs, seen []string
	for _, p := range d.Attributes {
		if slices.Contains(c.Params, p) && !slices.Contains(seen, p) && isIdentifier(p) {
			seen = append(seen, p)
			attrs = append(attrs, pyString(p), p)
		}
	}
	args := []string{pyString(d.Name), pyString(f.Path), strconv.Itoa(c.Range.StartLine), "(" + strings.Join(attrs, ", ") + ")", pyBool(d.RecordExceptions)}
	if c.Generator {
		// A generator's frame is suspended at each yield and resumed by
		// its consumer: its span must not be the consumer's current span.
		args = append(args, "gen=True")
	}
	if d.RecordValue {
		args = append(args, "values=True")
	}
	r := bodyRegion(f.Src, a.BodyStart, a.BodyEnd)
	points := r.points
	if r.ff || len(points) == 0 || points[0] != a.BodyStart {
		return nil
	}
	unit := unitFor(r.tab)
	if r.narrow < columns(prefix+unit) {
		// With the units of the with blocks around it, a continuation line
		// would end up left of its statement (see withAnchor): decline.
		return nil
	}
	code := "with " + current.span + "(" + strings.Join(args, ", ") + "):"
	edits := make([]inject.Edit, 0, len(points)+1)
	edits = append(edits, inject.Edit{At: a.BodyStart, New: prefix + a.BodyIndent + code + Marker + eolAt(f.Src, a.BodyStart), Seq: seqSpan})
	for _, p := range points {
		edits = append(edits, inject.Edit{At: p, New: unit, Seq: seqIndent})
	}
	l.spans.add(f, loggedSpan{from: a.BodyStart, to: a.BodyEnd, unit: unit})
	return edits
}

// lineAt returns the insertion of a whole line at the line start at,
// indented like the line already there (after prefix, the units of the
// with blocks around it) and ending like it.
func lineAt(src []byte, at int, prefix, code string, seq int) inject.Edit {
	return inject.Edit{At: at, New: prefix + leadingSpace(src, at) + code + Marker + eolAt(src, at), Seq: seq}
}

// lineAfter returns the insertion of a whole line at at, the end of a line.
// At the end of a file without a final line ending the line goes after a
// new line ending instead, which Strip removes with it.
func lineAfter(src []byte, at int, indent, code string, seq int) inject.Edit {
	if at == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		return inject.Edit{At: at, New: eolAt(src, lineStart(src, at)) + indent + code + Marker, Seq: seq}
	}
	return inject.Edit{At: at, New: indent + code + Marker + eolAt(src, at), Seq: seq}
}

// eolAt returns the line ending of the line starting at or holding pos, or
// of the line before it when that line has none (the last line), or "\n".
func eolAt(src []byte, pos int) string {
	if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 {
		if i > 0 && src[pos+i-1] == '\r' {
			return "\r\n"
		}
		return "\n"
	}
	if i := bytes.LastIndexByte(src[:pos], '\n'); i >= 0 {
		if i > 0 && src[i-1] == '\r' {
			return "\r\n"
		}
		return "\n"
	}
	return "\n"
}

// importEdit returns the runtime import: one simple statement, appended
// with the marker to a line the file already has (see importHost), so
// that no line of the original moves (CPython's test_pdb expects
// "pdb.py:97" for a function it sets a breakpoint on); where no line can
// take it, a line of its own after a shebang, encoding line, module
// docstring and from __future__ imports.
func (l *language) importEdit(f *source.File, spec string) inject.Edit {
	// Asked for after the file's constructs are rendered: see spanLog.
	l.spans.forget(f)
	code := current.plainImport(spec)
	if spec == runtimeModule {
		// Every module of the runtime's folder may be run or loaded by
		// path from outside sys.path (python -I, runpy.run_path, a plugin
		// loader's spec_from_file_location, exec of its source), where
		// the absolute import raised ModuleNotFoundError: scriptLine
		// then runs it as before without telemetry.
		code = current.scriptLine()
	} else if level := len(spec) - len(strings.TrimLeft(spec, ".")); level > 0 {
		// A module of a package is not only imported as part of it: it
		// may be run as a script (a __main__ guard, a __main__.py), loaded
		// by path under a name of its own (a plugin loader's or a test's
		// spec_from_file_location, runpy.run_path, a setup.py exec'ing a
		// version file) or imported top-level with its folder on sys.path.
		// There neither __package__ nor the spec names a package, and the
		// relative import raised "attempted relative import with no known
		// parent package" where the original ran: the script line imports
		// relatively only where one does (see inPackage).
		code = current.scriptLineAt(level)
	}
	lookup := code != current.plainImport(spec)
	if at, measured, ok := importHost(f.Src); ok {
		if lookup {
			code += coveragePragma(measured)
		}
		return inject.Edit{At: at, New: appendSep + code + Marker, Seq: seqImport}
	}
	if lookup {
		code += coveragePragma(false)
	}
	return lineAfter(f.Src, importOffset(f.Src), "", code, seqImport)
}

// coveragePragma is the coverage.py pragma written after a runtime lookup,
// before its marker. The lookup's stand-ins are lambdas and its finder scan
// a generator expression, which run only without the runtime: under
// coverage.py's branch mode each would be a partial branch of the line
// ("didn't run the lambda"), failing a threshold the project passed. On a
// line of its own, or on a docstring's (no statement to coverage.py), the
// line is excluded, leaving the project's totals as they were; appended to
// a one-line statement of the project's, which stays measured, the branch
// pragma drops only the lambdas' arcs. coverage.py reads a pragma on the
// first line of a statement, so a host over several lines (a bracketed
// __future__ import) is excluded too.
func coveragePragma(measuredHost bool) string {
	if measuredHost {
		return "  " + noBranchComment
	}
	return "  " + noCoverComment
}

// The default pragmas of coverage.py's exclusion and partial-branch
// regexes.
const (
	noCoverComment  = "# pragma: no cover"
	noBranchComment = "# pragma: no branch"
)

// appendSep separates a statement appended to a line from the line's own
// code, and a tick put in front of a statement from that statement.
const appendSep = "; "

// ownLine reports whether the statement at src[start:end] has its physical
// line to itself, with no comment or backslash after it: a statement
// appended to it then runs right after it, in the same block.
func ownLine(src []byte, start, end int) bool {
	ls := lineStart(src, start)
	if len(bytes.Trim(src[ls:start], " \t\f")) != 0 || bytes.IndexByte(src[start:end], '\n') >= 0 {
		return false
	}
	return len(bytes.Trim(src[end:lineEnd(src, end)], " \t\f\r\n")) == 0
}

// literalAssignment matches a statement that binds one name (annotated or
// not) to a literal: None, True, False, a number, a plain one-line string,
// an empty list, dict or tuple.
var literalAssignment = regexp.MustCompile(`^[A-Za-z_]\w*\s*(:[^=]*)?=\s*(None|True|False|-?[0-9][0-9a-zA-Z_.]*|"[^"\\]*"|'[^'\\]*'|\[\]|\{\}|\(\))$`)

// cannotRaise reports whether the assignment stmt can neither raise nor
// call code: only then is a variable record appended to its line. A line
// that can be in a traceback (the statement raises, or calls code that
// raises or warns) is shown there as it reads, and code compares that text
// (traceback.extract_tb's line: CPython's test_contextlib_async compares
// ExitStack's frames to its source); an appended record would be part of
// it.
func cannotRaise(stmt []byte) bool {
	return literalAssignment.Match(bytes.TrimSpace(stmt))
}

// runtimeModule is the runtime's module name, which a module in the
// runtime's own folder imports absolutely.
const runtimeModule = lang.RuntimeModule

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// pyString renders s as a double-quoted Python literal made of printable
// ASCII only, so it reads the same under any encoding declaration.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// isIdentifier reports whether s is an identifier the renderer may write
// as code: the parser gave it, but a hand-built construct may not have.
func isIdentifier(s string) bool {
	if s == "" || strings.HasPrefix(s, runtimePrefix) || strings.HasPrefix(s, "_"+runtimePrefix) {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r > 0x7f || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

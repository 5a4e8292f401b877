package python

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Marker ends every line the tool inserts; Strip finds lines by it.
const Marker = "  # @telemetry-inject"

// Edit order at a shared offset: the import first, then (at the start of a
// line) a variable line belonging to the statement above, a tick that opens
// the loop body, a loop line, and last the decorator, which must stay
// directly above its def.
const (
	seqImport = iota
	seqVar
	seqTick
	seqLoop
	seqSpan
)

// validName is the pattern every rendered name matches (the same as the
// decision validator's), so that an inline tick can always be found again.
var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$`)

// runtimeNames are the names the import line brings in: all five, see the
// package comment.
const runtimeNames = "_ti_span, _ti_loop, _ti_tick, _ti_var, _ti_mark"

// render returns the insertions that instrument c as d decides. A skipped
// construct or decision, or a name that could not be written safely, gives
// no edits.
func render(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
	if d.Skip || c.Skip != "" || !validName.MatchString(d.Name) {
		return nil
	}
	src := f.Src
	name, file, line := pyString(d.Name), pyString(f.Path), strconv.Itoa(c.Range.StartLine)
	switch c.Kind {
	case source.Function:
		if c.Anchor.Before < 0 {
			return nil
		}
		var attrs, seen []string
		for _, a := range d.Attributes {
			if slices.Contains(c.Params, a) && !slices.Contains(seen, a) && isIdentifier(a) {
				seen = append(seen, a)
				attrs = append(attrs, pyString(a))
			}
		}
		tuple := "()"
		switch len(attrs) {
		case 0:
		case 1:
			tuple = "(" + attrs[0] + ",)"
		default:
			tuple = "(" + strings.Join(attrs, ", ") + ")"
		}
		code := fmt.Sprintf("@_ti_span(%s, %s, %s, %s, %s)", name, file, line, tuple, pyBool(d.RecordExceptions))
		return []inject.Edit{lineAt(src, c.Anchor.Before, code, seqSpan)}
	case source.Loop:
		if c.Anchor.Before < 0 {
			return nil
		}
		edits := []inject.Edit{lineAt(src, c.Anchor.Before, fmt.Sprintf("_ti_loop(%s, %s, %s)", name, file, line), seqLoop)}
		if d.CountIterations && c.Anchor.BodyStart >= 0 {
			tick := "_ti_tick(" + name + ")"
			if c.Anchor.Inline {
				edits = append(edits, inject.Edit{At: c.Anchor.BodyStart, New: tick + "; ", Seq: seqTick})
			} else {
				edits = append(edits, lineAt(src, c.Anchor.BodyStart, tick, seqTick))
			}
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
		code := fmt.Sprintf("_ti_mark(%s, %s, %s)", name, file, line)
		if d.RecordValue && !d.Sensitive {
			value := c.Targets[0]
			if len(c.Targets) > 1 {
				value = "(" + strings.Join(c.Targets, ", ") + ")"
			}
			code = fmt.Sprintf("_ti_var(%s, %s, %s, %s)", name, value, file, line)
		}
		indent := leadingSpace(src, lineStart(src, c.Range.Start))
		return []inject.Edit{lineAfter(src, c.Anchor.After, indent, code, seqVar)}
	}
	return nil
}

// lineAt returns the insertion of a whole line at the line start at,
// indented like the line already there and ending like it.
func lineAt(src []byte, at int, code string, seq int) inject.Edit {
	return inject.Edit{At: at, New: leadingSpace(src, at) + code + Marker + eolAt(src, at), Seq: seq}
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

// importEdit returns the runtime import line, placed after a shebang,
// encoding line, module docstring and from __future__ imports.
func importEdit(f *source.File, spec string) inject.Edit {
	code := "from " + spec + " import " + runtimeNames
	at := importOffset(f.Src)
	return lineAfter(f.Src, at, "", code, seqImport)
}

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
	if s == "" || strings.HasPrefix(s, "_ti_") {
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

package prompt

import (
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// A grouped request pays for each construct's section at the full input
// price, so a section carries only what its decision needs: the facts the
// names and the attribute rule depend on, and the code once. A loop or a
// variable whose function is shown whole earlier in the same request
// would repeat part of that function's code; it is given by its first
// line instead. The identifiers in scope are left out: no decision of a
// loop or a variable names one, and a function's attributes come from its
// parameters, which are listed.

// fenceBegin and fenceEnd mark untrusted code in grouped sections, with a
// tag derived from the content as in single messages.
const (
	fenceBegin = "BEGIN UNTRUSTED CODE "
	fenceEnd   = "END UNTRUSTED CODE "
)

// fence writes code between untrusted-code markers.
func fence(b *strings.Builder, code string) {
	tag := fenceTag(code)
	b.WriteString(fenceBegin + tag + "\n")
	b.WriteString(code)
	if !strings.HasSuffix(code, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(fenceEnd + tag + "\n")
}

// shown is a construct whose code a grouped message showed whole, under
// its number in the request.
type shown struct {
	c  *source.Construct
	id string
}

// section writes construct c's section of a grouped message, under id.
// whole holds the constructs earlier in the request whose code was shown
// untruncated; it reports whether c's own code was shown whole, so later
// constructs inside it can refer to it.
func section(b *strings.Builder, f *source.File, c *source.Construct, id string, whole []shown, maxCodeTokens int) bool {
	fmt.Fprintf(b, "\n%s%s ===\n", GroupMarker, id)
	field := func(k, v string) { fmt.Fprintf(b, "%s: %s\n", k, v) }
	field("Kind", string(c.Kind))
	if c.Kind == source.Function {
		field("Qualified name", meta(c.QualName))
		if c.Enclosing != "" {
			field("Nested in function", meta(c.Enclosing))
		}
		if c.Async {
			field("Async", "yes")
		}
		if c.Generator {
			field("Generator", "yes")
		}
		field(`Parameters allowed in "attributes"`, orNone(list(allowedParams(c.Params), 0), "none (answer attributes: [])"))
	} else {
		field("Enclosing function qualified name", orNone(meta(c.QualName), "none (module level)"))
	}
	if c.Kind == source.Loop {
		// Only loops are named by their ordinal (.loop2, .loop3).
		field("Ordinal among the loops of the same function", fmt.Sprint(c.Ordinal+1))
	}
	if c.Kind == source.Variable {
		field("Name", meta(c.Name))
		if len(c.Targets) > 1 || (len(c.Targets) == 1 && c.Targets[0] != c.Name) {
			field("Assigned names", list(c.Targets, 0))
		}
	}

	code := constructCode(f, c)
	lines := strings.Count(strings.TrimSuffix(code, "\n"), "\n") + 1
	if p := container(c, whole); p != nil {
		first, _, _ := strings.Cut(code, "\n")
		if lines == 1 {
			fmt.Fprintf(b, "Code (a line of construct %s):\n", p.id)
		} else {
			fmt.Fprintf(b, "First line (of %d, inside construct %s):\n", lines, p.id)
		}
		fence(b, strings.TrimLeft(first, " \t"))
		return false
	}
	if c.Kind != source.Function && c.Enclosing != "" {
		if header := c.Header; header != "" {
			b.WriteString("Header of the enclosing function:\n")
			fence(b, scrub(header))
		}
	}
	if c.Kind == source.Function && c.Docstring {
		code = elideDocstring(code)
	}
	shown := Truncate(code, maxCodeTokens)
	b.WriteString("Code:\n")
	fence(b, shown)
	return shown == code
}

// container returns the construct of whole whose code contains c's, the
// innermost when several do, or nil.
func container(c *source.Construct, whole []shown) *shown {
	var best *shown
	size := func(c *source.Construct) int { return c.Range.End - c.Range.Start }
	for i, p := range whole {
		if p.c.Range.Start <= c.Range.Start && c.Range.End <= p.c.Range.End && size(p.c) > size(c) {
			if best == nil || size(p.c) < size(best.c) {
				best = &whole[i]
			}
		}
	}
	return best
}

// docstringKeep is how many lines of a long docstring stay: its summary
// line (after the quotes' own line when they stand alone).
const docstringKeep = 1

// elideDocstring shortens a Python function's docstring to its first
// line: the rest documents arguments and examples that no decision needs,
// and in library code it is often longer than the body. A marker line
// says how much is missing. Code without a docstring of more than two
// lines is returned unchanged.
func elideDocstring(code string) string {
	lines := strings.SplitAfter(code, "\n")
	body := signatureEnd(lines) + 1
	for body < len(lines) && strings.TrimSpace(lines[body]) == "" {
		body++
	}
	if body >= len(lines) {
		return code
	}
	t := strings.TrimSpace(lines[body])
	t = strings.TrimLeft(t, "rRuUbB")
	var quote string
	switch {
	case strings.HasPrefix(t, `"""`):
		quote = `"""`
	case strings.HasPrefix(t, `'''`):
		quote = `'''`
	default:
		return code
	}
	if strings.Contains(t[3:], quote) {
		return code // a one-line docstring
	}
	end := -1
	for i := body + 1; i < len(lines); i++ {
		if strings.Contains(lines[i], quote) {
			end = i
			break
		}
	}
	keep := body + docstringKeep
	if strings.TrimSpace(t[3:]) == "" {
		keep++ // the summary is on the line after the opening quotes
	}
	if end < 0 || end-keep < 2 {
		return code
	}
	indent := lines[body][:len(lines[body])-len(strings.TrimLeft(lines[body], " \t"))]
	var out strings.Builder
	for _, l := range lines[:keep] {
		out.WriteString(l)
	}
	fmt.Fprintf(&out, "%s... [%d docstring lines elided by telemetry-inject] ...\n", indent, end-keep)
	for _, l := range lines[end:] {
		out.WriteString(l)
	}
	return out.String()
}

// signatureEnd returns the index of the line that ends a Python def's
// signature: the first whose brackets are balanced and which ends in ':'.
func signatureEnd(lines []string) int {
	depth := 0
	for i, line := range lines {
		code, _, _ := strings.Cut(line, "#")
		depth += strings.Count(code, "(") + strings.Count(code, "[") + strings.Count(code, "{") -
			strings.Count(code, ")") - strings.Count(code, "]") - strings.Count(code, "}")
		if depth <= 0 && strings.HasSuffix(strings.TrimSpace(code), ":") {
			return i
		}
		if i == maxHeaderLines*4 {
			break
		}
	}
	return 0
}

package golang

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"unicode"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// strip removes every piece between markers. Only comment nodes count as
// markers, never text in strings; each opening marker needs its closing
// one with only our calls between; and a file that parsed must still parse
// with no runtime name left in its code.
func (l *language) strip(src []byte) ([]byte, int, error) {
	if !bytes.Contains(src, []byte(markOpen)) {
		return src, 0, nil
	}
	tree, err := l.parser.Parse(context.Background(), src)
	if err != nil {
		return nil, 0, err
	}
	var marks []*node
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.ChildCount(); i++ {
			c := n.Child(i)
			if c.Kind() == "comment" {
				if t := treesitter.Text(c, src); t == markOpen || t == markClose {
					marks = append(marks, c)
				}
			} else if c.ChildCount() > 0 {
				walk(c)
			}
		}
	}
	walk(tree.RootNode())
	parsed := !tree.RootNode().HasError()
	type span struct{ start, end int }
	var cut []span
	spaced := false // gofmt spaced out a piece that names results (see errorResult)
	for i := 0; i < len(marks); i += 2 {
		o := marks[i]
		line := o.StartPosition().Row + 1
		if treesitter.Text(o, src) != markOpen || i+1 >= len(marks) || treesitter.Text(marks[i+1], src) != markClose {
			tree.Close()
			return nil, 0, fmt.Errorf("line %d: injected code whose markers do not pair up; remove it by hand", line)
		}
		start, end := int(o.StartByte()), int(marks[i+1].EndByte())
		inner := src[o.EndByte():marks[i+1].StartByte()]
		trimmed := bytes.TrimSpace(inner)
		result := string(trimmed) == ")" || bytes.HasPrefix(bytes.TrimLeft(trimmed, ", ("), []byte(runtimePrefix+"r")) ||
			bytes.HasPrefix(bytes.TrimLeft(trimmed, ", ("), []byte(errResult))
		if !result && (!bytes.Contains(inner, []byte(lang.RuntimeModule)) || bytes.ContainsAny(inner, "{}")) {
			tree.Close()
			return nil, 0, fmt.Errorf("line %d: the code between the markers is not what telemetry-inject wrote; remove it by hand", line)
		}
		// What the tool writes starts right after the marker; gofmt
		// spaces it out.
		spaced = spaced || result && len(inner) > 0 && inner[0] == ' '
		start, end = gofmtted(src, start, end, bytes.IndexByte(inner, '\n') >= 0)
		if bytes.HasPrefix(trimmed, []byte(",")) {
			// gofmt moves the comma before a result name into the
			// piece ("int /*@ti{*/, _telemetry_utils_err /*}@ti*/ error"):
			// the comma is the program's.
			comma := start + bytes.IndexByte(src[start:end], ',')
			cut = append(cut, span{start, comma}, span{comma + 1, end})
			continue
		}
		cut = append(cut, span{start, end})
	}
	tree.Close()
	out := make([]byte, 0, len(src))
	prev := 0
	for _, c := range cut {
		out = append(out, src[prev:c.start]...)
		prev = c.end
	}
	out = append(out, src[prev:]...)
	if parsed && (spaced || gofmtTouched(src)) {
		// gofmt spaces out the pieces in a result list ("( /*@ti{*/ r0
		// /*}@ti*/ int") and pads the trailing comments of the lines
		// around a long injected call to align with its own; it formats
		// both back once the pieces are gone. The file it formatted is
		// gofmt's, so the original is too; a file gofmt has not touched is
		// left byte for byte.
		if formatted, err := format.Source(out); err == nil {
			out = formatted
		}
	}
	if parsed {
		back, err := l.parse(context.Background(), out)
		if err != nil {
			return nil, 0, fmt.Errorf("the file would not parse once the injected code is removed: %w", err)
		}
		left := mentionsRuntime(back.RootNode(), out)
		back.Close()
		if left > 0 {
			return nil, 0, fmt.Errorf("line %d: a runtime name (%s...) is left in code outside the markers; remove it by hand", left, runtimePrefix)
		}
	}
	return out, len(cut), nil
}

// gofmtted widens the cut of one piece to what gofmt added around it, so
// that an instrumented file gofmt reformatted strips back to the original
// as gofmt writes it. What the tool inserts never holds a line break and
// always shares its line with code, so none of this applies to its own
// output, which strips back byte for byte: gofmt puts a space before a
// piece it breaks over lines ("{ /*@ti{*/" then the call on a line of its
// own), and moves a piece that stood before a statement onto a line of its
// own, which goes whole.
func gofmtted(src []byte, start, end int, broken bool) (int, int) {
	if broken && start > 0 && src[start-1] == ' ' {
		start--
	}
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	lineEnd := bytes.IndexByte(src[end:], '\n')
	if lineEnd < 0 {
		return start, end
	}
	if len(bytes.TrimSpace(src[lineStart:start])) == 0 && len(bytes.TrimSpace(src[end:end+lineEnd])) == 0 {
		return lineStart, end + lineEnd + 1
	}
	return start, end
}

// mentionsRuntime returns the 1-based line of the first identifier of the
// runtime in code (the per-package copy's names, or the shared package's
// import name), or 0.
func mentionsRuntime(root *node, src []byte) int {
	if !bytes.Contains(src, []byte(lang.RuntimeModule)) {
		return 0
	}
	var found int
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.ChildCount() && found == 0; i++ {
			c := n.Child(i)
			switch c.Kind() {
			case "identifier", "field_identifier", "type_identifier", "package_identifier":
				if id := src[c.StartByte():c.EndByte()]; bytes.HasPrefix(id, []byte(runtimePrefix)) || string(id) == sharedName {
					found = int(c.StartPosition().Row) + 1
				}
			default:
				if c.ChildCount() > 0 {
					walk(c)
				}
			}
		}
	}
	walk(root)
	return found
}

// packageName returns the name in src's package clause, or "".
func packageName(src []byte) string {
	// The clause is the first code in the file; comments and build lines
	// come before it, so a line-based look is exact enough and cheap.
	for _, line := range bytes.Split(src, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if rest, ok := bytes.CutPrefix(line, []byte("package ")); ok {
			// The import of the shared runtime may follow the name on
			// its line ("package shop/*@ti{*/; import ...").
			rest = bytes.TrimSpace(rest)
			end := bytes.IndexFunc(rest, func(r rune) bool { return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if end >= 0 {
				rest = rest[:end]
			}
			if isIdent(string(rest)) {
				return string(rest)
			}
			return ""
		}
	}
	return ""
}

// gofmtTouched reports whether gofmt has formatted src since the tool
// wrote it: the tool follows an opening marker with its code at once,
// while gofmt puts a space or a line break after a comment that precedes
// code.
func gofmtTouched(src []byte) bool {
	return bytes.Contains(src, []byte(markOpen+" ")) || bytes.Contains(src, []byte(markOpen+"\n"))
}

package python

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// inlineTick is the one inline insertion: a tick opening a loop body that
// shares its header's line, under either generation's name.
var inlineTick = regexp.MustCompile(`^(?:` + regexp.QuoteMeta(current.tick) + `|` + regexp.QuoteMeta(legacy.tick) + `)\("` +
	strings.Trim(source.NamePattern, "^$") + `"\); `)

// markerComment is the comment that ends every inserted line and every
// appended statement.
const markerComment = "# @telemetry-inject"

// stripper collects what Strip takes out of one file.
type stripper struct {
	l         *language
	src       []byte
	hits      []int            // offsets of runtimePrefix in src
	cuts      [][2]int         // byte ranges removed whole: statements and inline ticks
	units     map[int][]string // line start -> indentation units to take off, outermost first
	leftovers []*node          // runtime names and marker comments seen in code: checked once cuts are known
	dedent    bool
	err       error
}

// strip removes every piece a previous run injected and reports how many
// it removed. It recognises them by syntax in a tree-sitter parse: the
// import of the runtime, with statements whose header is a span call
// ending with the marker comment (their body is dedented by exactly the
// unit Render inserted), statement calls of the other runtime functions
// with the marker (alone on their line, or appended to a statement's line
// after "; ", where the cut runs from the end of that statement's code to
// the end of the marker), and ticks in front of a statement. Text inside
// strings and comments is never taken for injected code. Reformatted
// pieces (black splitting "a; b" onto lines of their own, wrapping the
// import in parentheses over several lines, or a with header or call over
// several lines) are still whole statements and come out whole. It fails,
// naming the line, and gives src back untouched, when a runtime name would
// remain in code, or when a body no longer holds the inserted indentation.
func (l *language) strip(src []byte) ([]byte, int, error) {
	if !bytes.Contains(src, []byte(runtimePrefix)) {
		return src, 0, nil
	}
	tree, err := l.parser.Parse(context.Background(), src)
	if err != nil {
		return src, 0, err
	}
	defer tree.Close()
	return l.stripTree(tree, src)
}

// stripTree is strip on a tree already parsed from src, so that a caller
// that needs the parse for something else (validation) does not pay for a
// second one.
func (l *language) stripTree(tree *treesitter.Tree, src []byte) ([]byte, int, error) {
	hits := runtimeNameOffsets(src)
	if len(hits) == 0 {
		return src, 0, nil
	}
	if err := treesitter.SyntaxError(tree.RootNode(), src); err != nil {
		// Without a clean parse, injected code cannot be told from the rest.
		return src, 0, fmt.Errorf("cannot remove injected code from a file that does not parse: %w", err)
	}
	s := &stripper{l: l, src: src, hits: hits, units: map[int][]string{}}
	s.visit(tree.RootNode(), "")
	if s.err == nil {
		s.checkLeftovers()
	}
	if s.err != nil {
		return src, 0, s.err
	}
	if len(s.cuts) == 0 {
		return src, 0, nil
	}
	out, err := s.apply()
	if err != nil {
		return src, 0, err
	}
	if s.dedent {
		if err := CheckLayout(out); err != nil {
			return src, 0, fmt.Errorf("removing the injected with blocks would leave broken indentation (%v): reformatted by hand or by a tool? restore the file from version control", err)
		}
	}
	return out, len(s.cuts), nil
}

func (s *stripper) fail(pos int, format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("line %d: %s", lineOf(s.src, pos), fmt.Sprintf(format, args...))
	}
}

func (s *stripper) text(n *node) string {
	return string(s.src[n.StartByte():n.EndByte()])
}

// visit walks n; penc is the indentation the injected with blocks around
// n added to its lines.
func (s *stripper) visit(n *node, penc string) {
	if s.err != nil {
		return
	}
	if _, ok := s.holds(n.StartByte(), n.EndByte()); !ok {
		return
	}
	switch n.Kind() {
	case "string", "concatenated_string":
		// Only the replacement fields of an f-string hold code.
		s.eachNamedChild(n, func(c *node) {
			if c.Kind() == "interpolation" {
				s.visit(c, penc)
			}
		})
		return
	case "comment":
		// A marker comment the tool did not write (the user's own, or one
		// left behind by a formatter) is text: what needs the runtime is
		// code, and a runtime name left in code fails below.
		return
	case "identifier":
		if isRuntimeName(s.text(n)) {
			s.leftovers = append(s.leftovers, n)
		}
		return
	case "import_from_statement":
		if s.isOurImport(n) {
			s.cutImport(n)
			return
		}
	case "if_statement":
		if s.isOurFolderImport(n) {
			s.cutStatement(n)
			return
		}
	case "try_statement":
		if s.isOurScriptImport(n) {
			s.cutStatement(n)
			return
		}
	case "with_statement":
		if unit, body, ok := s.ourWith(n, penc); ok {
			s.visit(body, penc+unit)
			return
		}
	case "expression_statement":
		if s.isOurImportLine(n) {
			s.cutImport(n)
			return
		}
		if s.ourCall(n) {
			return
		}
	}
	s.eachNamedChild(n, func(c *node) { s.visit(c, penc) })
}

// ourCall takes out an expression statement that calls one of the
// runtime's statement functions as the tool writes it, and reports whether
// it did.
func (s *stripper) ourCall(n *node) bool {
	call := n.NamedChild(0)
	if n.NamedChildCount() != 1 || call.Kind() != "call" {
		return false
	}
	fn := call.ChildByFieldId(s.l.ids.function)
	if fn == nil || fn.Kind() != "identifier" {
		return false
	}
	g := generationOfCall(s.text(fn))
	if g == nil {
		return false
	}
	start := int(n.StartByte())
	if m := inlineTick.Find(s.src[start:]); m != nil && int(n.EndByte()) == start+len(m)-2 && !s.aloneOnLine(n) {
		s.cuts = append(s.cuts, [2]int{start, start + len(m)})
		return true
	}
	if !s.aloneOnLine(n) {
		// A variable record appended to its statement's line.
		if name := s.text(fn); name != g.tick && name != g.loop && s.markedAt(int(n.EndByte())) {
			return s.cutAppended(n)
		}
		return false
	}
	if s.markedAt(int(n.EndByte())) {
		s.cutStatement(n)
		return true
	}
	// black puts an inline tick on a line of its own, without the marker.
	if args := call.ChildByFieldId(s.l.ids.arguments); s.text(fn) == g.tick && args != nil &&
		args.NamedChildCount() == 1 && args.NamedChild(0).Kind() == "string" && source.ValidName(strings.Trim(s.text(args.NamedChild(0)), `"`)) {
		s.cutStatement(n)
		return true
	}
	return false
}

// ourWith recognises an injected with statement, records its header for
// removal and its body's lines for dedenting, and returns the unit and the
// body.
func (s *stripper) ourWith(n *node, penc string) (string, *node, bool) {
	clause := n.NamedChild(0)
	if clause == nil || clause.Kind() != "with_clause" || clause.NamedChildCount() != 1 {
		return "", nil, false
	}
	item := clause.NamedChild(0)
	call := item.ChildByFieldId(s.l.ids.value)
	if item.Kind() != "with_item" || call == nil || call.Kind() != "call" {
		return "", nil, false
	}
	if fn := call.ChildByFieldId(s.l.ids.function); fn == nil || fn.Kind() != "identifier" || !isSpanName(s.text(fn)) {
		return "", nil, false
	}
	body := n.ChildByFieldId(s.l.ids.body)
	colon := -1
	for i := uint(0); i < n.ChildCount(); i++ {
		if c := n.Child(i); c.Kind() == ":" {
			colon = int(c.EndByte())
		}
	}
	if body == nil || colon < 0 || !s.markedAt(colon) {
		return "", nil, false
	}
	start := lineStart(s.src, int(n.StartByte()))
	if len(bytes.Trim(s.src[start:n.StartByte()], " \t\f")) != 0 {
		s.fail(int(n.StartByte()), "an injected with statement does not start its line")
		return "", nil, false
	}
	headerEnd := lineEnd(s.src, colon)
	cutEnd := headerEnd
	for cutEnd < len(s.src) {
		// Blank lines right below the header: black puts one above a
		// nested def. Render never writes any there (the with line goes
		// directly above the first statement), so they are not the user's.
		next := lineEnd(s.src, cutEnd)
		if len(bytes.Trim(s.src[cutEnd:next], " \t\f\r\n")) != 0 {
			break
		}
		cutEnd = next
	}
	end := -1
	for i := int(body.NamedChildCount()) - 1; i >= 0 && end < 0; i-- {
		if c := body.NamedChild(uint(i)); c.Kind() != "comment" {
			end = int(c.EndByte())
		}
	}
	points := bodyRegion(s.src, headerEnd, end).points
	withIndent := leadingSpace(s.src, start)
	if len(points) == 0 || !strings.HasPrefix(withIndent, penc) {
		s.fail(start, "the injected with block's body cannot be told apart")
		return "", nil, false
	}
	b, first := withIndent[len(penc):], leadingSpace(s.src, points[0])
	var unit string
	switch first {
	case penc + "\t" + b:
		unit = "\t"
	case penc + "    " + b:
		unit = "    "
	default:
		s.fail(points[0], "the body of the injected with block at line %d is no longer indented by the unit the tool inserted", lineOf(s.src, start))
		return "", nil, false
	}
	s.cuts = append(s.cuts, [2]int{start, cutEnd})
	for _, p := range points {
		s.units[p] = append(s.units[p], unit)
	}
	s.dedent = true
	return unit, body, true
}

// markedAt reports whether the rest of the line from pos is the marker.
func (s *stripper) markedAt(pos int) bool {
	rest := s.src[pos:lineEnd(s.src, pos)]
	return string(bytes.TrimRight(bytes.TrimLeft(rest, " \t\f"), " \t\r\n")) == markerComment
}

// aloneOnLine reports whether n starts its first line and only a comment
// follows it on its last.
func (s *stripper) aloneOnLine(n *node) bool {
	start, end := int(n.StartByte()), int(n.EndByte())
	if len(bytes.Trim(s.src[lineStart(s.src, start):start], " \t\f")) != 0 {
		return false
	}
	rest := bytes.TrimLeft(s.src[end:lineEnd(s.src, end)], " \t\f\r\n")
	return len(rest) == 0 || rest[0] == '#'
}

// cutStatement removes the whole lines of a statement that stands alone on
// them.
func (s *stripper) cutStatement(n *node) {
	if !s.aloneOnLine(n) {
		s.fail(int(n.StartByte()), "injected code shares its line with other code")
		return
	}
	start, end := lineStart(s.src, int(n.StartByte())), lineEnd(s.src, int(n.EndByte()))
	if end == len(s.src) && (end == 0 || s.src[end-1] != '\n') {
		// Inserted after a last line without a line ending, it brought the
		// line ending before it along.
		switch {
		case bytes.HasSuffix(s.src[:start], []byte("\r\n")):
			start -= 2
		case bytes.HasSuffix(s.src[:start], []byte("\n")):
			start--
		}
	}
	s.cuts = append(s.cuts, [2]int{start, end})
}

// checkLeftovers fails on a runtime name in code that no cut takes out:
// the file would still need the runtime, because a formatter or a hand
// edit changed a piece so that it can no longer be told apart exactly.
func (s *stripper) checkLeftovers() {
	for _, n := range s.leftovers {
		pos := int(n.StartByte())
		if s.inCut(pos) {
			continue
		}
		s.fail(pos, "%s remains in code and cannot be taken out exactly (reformatted?): remove it by hand", s.text(n))
	}
}

func (s *stripper) inCut(pos int) bool {
	for _, c := range s.cuts {
		if c[0] <= pos && pos < c[1] {
			return true
		}
	}
	return false
}

// apply builds the output: src without the cuts and without the units at
// the starts of the lines left.
func (s *stripper) apply() ([]byte, error) {
	slices.SortFunc(s.cuts, func(a, b [2]int) int { return a[0] - b[0] })
	type del struct{ start, end int }
	dels := make([]del, 0, len(s.cuts)+len(s.units))
	for _, c := range s.cuts {
		dels = append(dels, del{c[0], c[1]})
	}
	for p, us := range s.units {
		if s.inCut(p) {
			continue
		}
		u := strings.Join(us, "")
		if !bytes.HasPrefix(s.src[p:], []byte(u)) {
			return nil, fmt.Errorf("line %d: the line no longer starts with the indentation the tool inserted", lineOf(s.src, p))
		}
		dels = append(dels, del{p, p + len(u)})
	}
	slices.SortFunc(dels, func(a, b del) int { return a.start - b.start })
	out := make([]byte, 0, len(s.src))
	prev := 0
	for _, d := range dels {
		if d.start < prev {
			return nil, fmt.Errorf("line %d: injected pieces overlap", lineOf(s.src, d.start))
		}
		out = append(out, s.src[prev:d.start]...)
		prev = d.end
	}
	return append(out, s.src[prev:]...), nil
}

package python

import (
	"bytes"
	"strings"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// withAnchor fills in where a function's with block goes: BodyStart is the
// start of the line of the first statement after the docstring (the
// docstring stays the function's first statement, so __doc__ is kept),
// BodyEnd the end of the last statement, BodyIndent the first statement's
// indentation. It returns why the function cannot take a with block, or "".
func (fd *finder) withAnchor(body *node, a *source.Anchor) string {
	var stmts []*node
	for i := uint(0); i < body.NamedChildCount(); i++ {
		if s := body.NamedChild(i); s.Kind() != "comment" {
			stmts = append(stmts, s)
		}
	}
	if len(stmts) == 0 {
		return "empty body"
	}
	first := stmts[0]
	if afterColon(fd.src, int(first.StartByte())) {
		a.Inline = true
		return "the body shares the def line: the span's with block needs lines of its own"
	}
	if isDocstring(first) {
		if len(stmts) == 1 {
			return "the body is only a docstring: there is nothing to run inside a span"
		}
		if lineStart(fd.src, int(stmts[1].StartByte())) < int(first.EndByte()) {
			return "the docstring shares its line with the next statement"
		}
		first = stmts[1]
	}
	if allNothing(stmts, isDocstring(stmts[0])) {
		// automat requires its input methods to have an empty body and
		// tells one by comparing co_code with an empty function's.
		return "the body does nothing (pass, ..., return None): code may tell such a function by its byte code"
	}
	start := lineStart(fd.src, int(first.StartByte()))
	if len(bytes.Trim(fd.src[start:first.StartByte()], " \t\f")) != 0 {
		return "the first statement does not start its line"
	}
	a.BodyStart = start
	a.BodyIndent = leadingSpace(fd.src, start)
	a.BodyEnd = int(stmts[len(stmts)-1].EndByte())
	r := bodyRegion(fd.src, a.BodyStart, a.BodyEnd)
	if r.ff {
		// CPython restarts the column count at a form feed, so a unit
		// inserted in front of one would indent nothing.
		return "a form feed in the body's indentation"
	}
	if r.narrow < columns(unitFor(r.tab)) {
		// Continuation lines keep their bytes, so such a line would end up
		// left of the statement it continues: valid Python, but
		// tree-sitter's grammar, by which --remove finds the injected
		// code, rejects a break after an operator followed by such a line.
		return "a bracket continuation line is indented less than one level right of its statement"
	}
	return ""
}

// allNothing reports whether every statement of a body, its docstring
// aside, is pass, ..., a bare return or return None: statements that
// compile to nothing but the function's return.
func allNothing(stmts []*node, docstring bool) bool {
	if docstring {
		stmts = stmts[1:]
	}
	for _, s := range stmts {
		switch s.Kind() {
		case "pass_statement":
		case "expression_statement":
			if s.NamedChildCount() != 1 || s.NamedChild(0).Kind() != "ellipsis" {
				return false
			}
		case "return_statement":
			if s.NamedChildCount() > 1 || (s.NamedChildCount() == 1 && s.NamedChild(0).Kind() != "none") {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isDocstring reports whether a statement is a string on its own.
func isDocstring(s *node) bool {
	if s.Kind() != "expression_statement" || s.NamedChildCount() != 1 {
		return false
	}
	k := s.NamedChild(0).Kind()
	return k == "string" || k == "concatenated_string"
}

// region is what a with block's body holds, as re-indenting needs it.
type region struct {
	// points are the starts of the lines that begin a logical line, code
	// or comment only: the lines the body is re-indented at. Continuation
	// lines, inside brackets, triple-quoted strings or after a backslash,
	// are not among them, so their bytes never change.
	points []int
	// tab and ff tell whether any of those lines' indentation holds a tab
	// or a form feed.
	tab, ff bool
	// narrow is the least number of columns by which a bracket
	// continuation line after an open operator (see contLine) stands right
	// of the logical line it continues (negative when left of it; a large
	// number when there is none).
	narrow int
}

// bodyRegion scans src[from:to], from being a line start.
func bodyRegion(src []byte, from, to int) region {
	var conts []contLine
	t := tokenizer{src: src, pos: from, conts: &conts}
	r := region{narrow: 1 << 30}
	for {
		ll, ok, err := t.next()
		if err != nil || !ok || ll.start >= to {
			return r
		}
		ws := leadingSpace(src, ll.start)
		rest := ll.start + len(ws)
		if rest >= len(src) || src[rest] == '\n' || src[rest] == '\r' {
			continue // blank: left as it is
		}
		r.tab = r.tab || strings.IndexByte(ws, '\t') >= 0
		r.ff = r.ff || strings.IndexByte(ws, '\f') >= 0
		r.points = append(r.points, ll.start)
		for _, c := range conts {
			cws := leadingSpace(src, c.start)
			if i := c.start + len(cws); (c.open || startsWithOperandKeyword(src[i:])) && i < len(src) && src[i] != '\n' && src[i] != '\r' && src[i] != '#' {
				r.narrow = min(r.narrow, columns(cws)-columns(ws))
			}
		}
		conts = conts[:0]
	}
}

// startsWithOperandKeyword reports whether a continuation line starts with
// a keyword that cannot end an expression ("else" of a conditional
// expression, "for" of a comprehension, "and", "in"...): tree-sitter's
// scanner takes such a line, left of the block's indentation, for a
// dedent, as it does a line after an open operator (seen in sympy's
// manualintegrate.py: "x = ([] if a or b\n    else [...])").
func startsWithOperandKeyword(b []byte) bool {
	n := 0
	for n < len(b) && (b[n] == '_' || b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || b[n] >= '0' && b[n] <= '9') {
		n++
	}
	return n > 0 && operandKeywords[string(b[:n])]
}

// columns returns the column an indentation ends at, tabs to multiples of 8.
func columns(ws string) int {
	col := 0
	for i := 0; i < len(ws); i++ {
		switch ws[i] {
		case '\t':
			col = (col/8 + 1) * 8
		case '\f':
			col = 0
		default:
			col++
		}
	}
	return col
}

// unitFor returns the indentation a with block adds to its body: a tab
// when any body line's indentation holds one (a tab at the start of a line
// moves every column by exactly 8 and CPython's tab-size-1 count by 1, so
// tabs and spaces stay consistent whatever follows), else four spaces.
func unitFor(tab bool) string {
	if tab {
		return "\t"
	}
	return "    "
}

// spanLog remembers, per file being rendered, the with blocks rendered so
// far, so that every line inserted later inside one carries its indentation
// unit. Edits are insertions at fixed offsets: the enclosing function's unit
// goes at the start of each original line of its body, but a line another
// construct inserts (a variable record, a loop event, a nested function's
// with line) has no original start, so its renderer must write the
// enclosing units itself, and it can only know them from here. The pipeline
// renders a file's constructs in source order, an enclosing function before
// what it holds; Import, asked for last, forgets the file.
type spanLog struct {
	mu    sync.Mutex
	files map[*source.File][]loggedSpan
}

type loggedSpan struct {
	from, to int // the re-indented region of the original file
	unit     string
}

func (s *spanLog) add(f *source.File, sp loggedSpan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[*source.File][]loggedSpan{}
	}
	for i, old := range s.files[f] {
		if old.from == sp.from {
			// The same function rendered again: one with block still.
			s.files[f][i] = sp
			return
		}
	}
	s.files[f] = append(s.files[f], sp)
}

// prefix returns the units of the logged regions that hold pos, outermost
// first, which is the order their insertions take at a shared line start.
// A unit differing from an enclosing one is reported too.
func (s *spanLog) prefix(f *source.File, pos int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b []byte
	for _, sp := range s.files[f] {
		if sp.from <= pos && pos < sp.to {
			b = append(b, sp.unit...)
		}
	}
	return string(b)
}

func (s *spanLog) forget(f *source.File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.files, f)
}

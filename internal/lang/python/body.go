package python

import (
	"bytes"
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
	start := lineStart(fd.src, int(first.StartByte()))
	if len(bytes.Trim(fd.src[start:first.StartByte()], " \t\f")) != 0 {
		return "the first statement does not start its line"
	}
	a.BodyStart = start
	a.BodyIndent = leadingSpace(fd.src, start)
	a.BodyEnd = int(stmts[len(stmts)-1].EndByte())
	if _, _, ff := indentPoints(fd.src, a.BodyStart, a.BodyEnd); ff {
		// CPython restarts the column count at a form feed, so a unit
		// inserted in front of one would indent nothing.
		return "a form feed in the body's indentation"
	}
	return ""
}

// isDocstring reports whether a statement is a string on its own.
func isDocstring(s *node) bool {
	if s.Kind() != "expression_statement" || s.NamedChildCount() != 1 {
		return false
	}
	k := s.NamedChild(0).Kind()
	return k == "string" || k == "concatenated_string"
}

// indentPoints returns the start of every line in src[from:to] (from is a
// line start) that begins a logical line, code or comment only: the lines
// a with block's body is re-indented at. Continuation lines, those inside
// brackets, triple-quoted strings or after a backslash, are not among them,
// so their bytes never change. tab and ff tell whether any of those lines'
// indentation holds a tab or a form feed.
func indentPoints(src []byte, from, to int) (points []int, tab, ff bool) {
	t := tokenizer{src: src, pos: from}
	for {
		ll, ok, err := t.next()
		if err != nil || !ok || ll.start >= to {
			return points, tab, ff
		}
		ws := leadingSpace(src, ll.start)
		rest := ll.start + len(ws)
		if rest >= len(src) || src[rest] == '\n' || src[rest] == '\r' {
			continue // blank: left as it is
		}
		tab = tab || bytes.IndexByte([]byte(ws), '\t') >= 0
		ff = ff || bytes.IndexByte([]byte(ws), '\f') >= 0
		points = append(points, ll.start)
	}
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

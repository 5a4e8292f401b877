package python

import (
	"bytes"
	"regexp"
)

var (
	cookieLine = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+`)
	futureLine = regexp.MustCompile(`^from[ \t\f]+__future__[ \t\f]+import\b`)
)

// importOffset returns where the import line goes: after a shebang and
// encoding line, a module docstring and from __future__ imports.
func importOffset(src []byte) int {
	at, _, _ := importPlace(src)
	return at
}

// importHost returns the offset at the end of an existing line where the
// runtime import can be appended as "; <import>", so that it takes no line
// of its own: the last line of the module docstring or of the last from
// __future__ import, or else the module's first statement when it is a
// simple statement on one line. In every case the import runs before any
// injected code, all of which is below. The line must end its statement
// with no comment after it (the marker comment ends the line), nor with a
// semicolon (which would make ";;"). ok is false where there is no such
// line. Where the docstring's line has a comment, the first statement
// may still take it: nothing is injected between the two. measured is
// true where the line is a statement on one line, not a docstring: one
// coverage.py measures, and reads a pragma at the end of (see
// coveragePragma).
func importHost(src []byte) (at int, measured, ok bool) {
	_, last, next := importPlace(src)
	if last != nil && endsCleanly(src, last) {
		return last.codeEnd, !last.firstIsString && bytes.IndexByte(src[last.code:last.codeEnd], '\n') < 0, true
	}
	if next != nil && next.col == 0 && bytes.IndexByte(src[next.code:next.codeEnd], '\n') < 0 &&
		!next.endsWithColon && !compoundStart.Match(src[next.code:next.codeEnd]) && endsCleanly(src, next) {
		return next.codeEnd, true, true
	}
	return 0, false, false
}

// endsCleanly reports whether ll's last line ends with its code: no
// comment after it, and no semicolon ending it.
func endsCleanly(src []byte, ll *logicalLine) bool {
	return ll.codeEnd > ll.code && src[ll.codeEnd-1] != ';' &&
		len(bytes.TrimLeft(src[ll.codeEnd:ll.end], " \t\f\r\n")) == 0
}

// compoundStart matches the start of a compound statement, whose body may
// share its header's line ("if x: y = 1"): what is appended to that line
// would be in the body. "match" is a soft keyword; a simple statement that
// starts with it is only missed as a host.
var compoundStart = regexp.MustCompile(`^(?:@|(?:if|for|while|def|class|with|try|async|match)\b)`)

// importPlace returns where the import line goes (importOffset), the last
// logical line before it that is a docstring or a from __future__ import,
// if any, and the logical line after it, if any.
func importPlace(src []byte) (at int, last, next *logicalLine) {
	pos := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		pos = 3
	}
	at = pos
	end1 := lineEnd(src, pos)
	line1 := src[pos:end1]
	if bytes.HasPrefix(line1, []byte("#!")) || cookieLine.Match(line1) {
		at = end1
	}
	if end1 < len(src) {
		end2 := lineEnd(src, end1)
		trimmed := bytes.TrimLeft(line1, " \t\f\r\n")
		if (len(trimmed) == 0 || trimmed[0] == '#') && cookieLine.Match(src[end1:end2]) {
			at = end2
		}
	}
	t := tokenizer{src: src, pos: pos}
	first := true
	for {
		ll, ok, err := t.next()
		if err != nil || !ok {
			return at, last, nil
		}
		if ll.code < 0 {
			continue
		}
		if (first && ll.firstIsString) || futureLine.Match(src[ll.code:min(ll.code+64, len(src))]) {
			at = max(at, ll.end)
			last = &ll
			first = false
			continue
		}
		return at, last, &ll
	}
}

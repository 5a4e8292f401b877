package javascript

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// lines maps byte offsets to 1-based line numbers and line starts.
type lines struct {
	starts []int // byte offset where each line begins
}

func newLines(src []byte) *lines {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lines{starts: starts}
}

// line returns the 1-based line holding offset.
func (l *lines) line(offset int) int {
	return sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset })
}

// start returns the offset where the line holding offset begins.
func (l *lines) start(offset int) int {
	return l.starts[l.line(offset)-1]
}

// indentAt returns the indentation (spaces and tabs) of the line that
// holds offset.
func indentAt(src []byte, l *lines, offset int) string {
	s := l.start(offset)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// onlyIndentBefore reports whether nothing but spaces and tabs precedes
// offset on its line, and returns that line's start.
func onlyIndentBefore(src []byte, offset int) (int, bool) {
	i := offset
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	return i, i == 0 || src[i-1] == '\n'
}

// restOfLineBlank reports whether only whitespace follows offset on its
// line and a line break ends it, and returns where the next line begins.
func restOfLineBlank(src []byte, offset int) (int, bool) {
	for i := offset; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n':
			return i + 1, true
		default:
			return 0, false
		}
	}
	return 0, false
}

// lineEnding returns the file's line ending: CRLF when its first line break
// is one, LF otherwise.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// jsString renders s as a JavaScript string literal: JSON escaping (which
// also escapes U+2028 and U+2029), plus a backslash before any "/" that
// follows "*", so that rendered code can never close a comment.
func jsString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.ReplaceAll(out, "*/", `*\/`)
}

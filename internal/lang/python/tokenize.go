package python

import (
	"bytes"
	"fmt"
)

// tokenizer splits Python source into logical lines the way CPython's
// tokenizer does: it follows strings (every prefix, triple quotes, nested
// f-string replacement fields as Python 3.12 reads them), comments, brackets
// and backslash continuations, and measures each line's indentation. It
// knows nothing of the grammar: tree-sitter and the compiler check that.
type tokenizer struct {
	src []byte
	pos int
	// conts, when not nil, collects every line that continues a logical
	// line inside brackets (never inside a string).
	conts *[]contLine
}

// contLine is a line continuing a logical line inside brackets. open is
// set when the line before it ends with an operator or a keyword that
// needs an operand after it ("a and", "x =", "lambda:"), or with a bracket
// that cannot close at once as a list's or a call's can: a subscript's "["
// ("d[s][") or the "(" of "from m import (". After such a break,
// tree-sitter's scanner takes a continuation line standing left of its
// statement for a dedent, although CPython accepts it (seen in
// scikit-learn's impute/_knn.py).
type contLine struct {
	start int
	open  bool
}

// operandKeywords are the keywords an expression cannot end with.
var operandKeywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "is": true, "if": true, "else": true, "lambda": true,
	"for": true, "async": true, "await": true, "yield": true, "from": true, "as": true,
}

// logicalLine is one logical line. Blank and comment-only lines have code
// -1 and count for nothing in the layout.
type logicalLine struct {
	start, code, end int // first byte, first significant byte, byte after its line ending
	codeEnd          int // byte after its last significant byte: comments and line endings are not
	col, alt         int // indentation with tabs to multiples of 8, and with tabs as 1
	firstIsString    bool
	endsWithColon    bool // a block header: the next line must be indented
}

type layoutError struct {
	pos int
	msg string
}

func (e *layoutError) Error() string { return e.msg }

func (t *tokenizer) fail(pos int, format string, args ...any) *layoutError {
	return &layoutError{pos: pos, msg: fmt.Sprintf(format, args...)}
}

// next scans the next logical line; ok is false at the end of the input.
func (t *tokenizer) next() (ll logicalLine, ok bool, err error) {
	src := t.src
	if t.pos >= len(src) {
		return ll, false, nil
	}
	ll.start, ll.code = t.pos, -1
	for t.pos < len(src) {
		switch src[t.pos] {
		case ' ':
			ll.col++
			ll.alt++
		case '\t':
			ll.col = (ll.col/8 + 1) * 8
			ll.alt++
		case '\f':
			ll.col, ll.alt = 0, 0
		default:
			goto measured
		}
		t.pos++
	}
measured:
	if t.pos >= len(src) {
		ll.end = t.pos
		return ll, true, nil
	}
	switch c := src[t.pos]; {
	case c == '#' || c == '\n' || (c == '\r' && t.pos+1 < len(src) && src[t.pos+1] == '\n'):
		ll.end = lineEnd(src, t.pos)
		t.pos = ll.end
		return ll, true, nil
	}
	ll.code = t.pos
	depth := 0
	var last byte
	var lastWord []byte
	mustHold := false // the last byte is a bracket that cannot close at once
	first := true
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f' || c == '\r':
			t.pos++
			continue
		case c == '\n':
			t.pos++
			if depth == 0 {
				ll.end = t.pos
				ll.endsWithColon = last == ':'
				return ll, true, nil
			}
			if t.conts != nil {
				open := !(last == 'a' || last == '"' || last == ',' || last == '(' || last == '[' || last == '{' || last == ')' || last == ']' || last == '}')
				open = open || last == 'a' && operandKeywords[string(lastWord)] || mustHold && (last == '[' || last == '(')
				*t.conts = append(*t.conts, contLine{t.pos, open})
			}
			continue
		case c == '#':
			if i := bytes.IndexByte(src[t.pos:], '\n'); i >= 0 {
				t.pos += i
			} else {
				t.pos = len(src)
			}
			continue
		case c == '\\':
			if n := continuation(src, t.pos); n > 0 {
				t.pos += n
				continue
			}
			return ll, false, t.fail(t.pos, "unexpected character after line continuation character")
		case c == '\'' || c == '"':
			if err := t.scanString(false, false); err != nil {
				return ll, false, err
			}
			if first {
				ll.firstIsString = true
			}
			last = '"'
		case isWordByte(c):
			start := t.pos
			for t.pos < len(src) && isWordByte(src[t.pos]) {
				t.pos++
			}
			if t.pos < len(src) && (src[t.pos] == '\'' || src[t.pos] == '"') {
				if raw, f, ok := stringPrefix(src[start:t.pos]); ok {
					if err := t.scanString(raw, f); err != nil {
						return ll, false, err
					}
					if first {
						ll.firstIsString = true
					}
				}
			}
			last, lastWord = 'a', src[start:t.pos]
		case c == '(' || c == '[' || c == '{':
			depth++
			mustHold = c == '[' && endsOperand(last, lastWord) || c == '(' && last == 'a' && string(lastWord) == "import"
			last = c
			t.pos++
		case c == ')' || c == ']' || c == '}':
			depth = max(depth-1, 0)
			last = c
			t.pos++
		default:
			last = c
			t.pos++
		}
		ll.codeEnd = t.pos
		first = false
	}
	ll.end = len(src)
	ll.endsWithColon = last == ':'
	return ll, true, nil
}

// statementKeywords are the hard keywords an expression can follow that
// are not operandKeywords: a "[" after them opens a list. Soft keywords
// (match, case) are names too, so a "[" after them counts as a subscript,
// which at worst declines a with block.
var statementKeywords = map[string]bool{
	"return": true, "del": true, "assert": true, "elif": true, "while": true, "with": true, "raise": true,
}

// endsOperand reports whether a bracket after last (a byte as next keeps
// it, lastWord the word when last is 'a') follows an operand, making a "["
// a subscript rather than a list.
func endsOperand(last byte, lastWord []byte) bool {
	switch last {
	case ')', ']', '}', '"':
		return true
	case 'a':
		return !operandKeywords[string(lastWord)] && !statementKeywords[string(lastWord)]
	}
	return false
}

// continuation returns the length of a backslash line continuation at pos,
// or 0 when the backslash does not end its line.
func continuation(src []byte, pos int) int {
	switch {
	case pos+1 < len(src) && src[pos+1] == '\n':
		return 2
	case pos+2 < len(src) && src[pos+1] == '\r' && src[pos+2] == '\n':
		return 3
	}
	return 0
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

// stringPrefix reports whether w is a string prefix, and whether it makes
// the string raw or formatted.
func stringPrefix(w []byte) (raw, f, ok bool) {
	if len(w) > 2 {
		return false, false, false
	}
	var seen [128]bool
	for _, c := range w {
		switch c | 0x20 {
		case 'r':
			raw = true
		case 'f', 't':
			f = true
		case 'b', 'u':
		default:
			return false, false, false
		}
		if seen[c|0x20] {
			return false, false, false
		}
		seen[c|0x20] = true
	}
	return raw, f, true
}

// scanString moves past the string literal whose opening quote is at pos.
func (t *tokenizer) scanString(raw, f bool) error {
	src, open := t.src, t.pos
	q := src[t.pos]
	triple := t.pos+2 < len(src) && src[t.pos+1] == q && src[t.pos+2] == q
	if triple {
		t.pos += 3
	} else {
		t.pos++
	}
	_ = raw // a backslash keeps a quote from closing even in a raw string
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == q && (!triple || (t.pos+2 < len(src) && src[t.pos+1] == q && src[t.pos+2] == q)):
			if triple {
				t.pos += 3
			} else {
				t.pos++
			}
			return nil
		case c == '\\':
			t.pos += 2
			if t.pos < len(src) && src[t.pos-1] == '\r' && src[t.pos] == '\n' {
				t.pos++
			}
		case c == '\n' && !triple:
			return t.fail(open, "unterminated string literal")
		case f && c == '{':
			if t.pos+1 < len(src) && src[t.pos+1] == '{' {
				t.pos += 2
				continue
			}
			t.pos++
			if err := t.scanField(); err != nil {
				return err
			}
		default:
			t.pos++
		}
	}
	if triple {
		return t.fail(open, "unterminated triple-quoted string literal")
	}
	return t.fail(open, "unterminated string literal")
}

// scanField moves past an f-string replacement field, whose "{" is just
// behind pos, to just past its closing "}".
func (t *tokenizer) scanField() error {
	src, open := t.src, t.pos-1
	depth := 0
	for t.pos < len(src) {
		c := src[t.pos]
		switch {
		case c == '\'' || c == '"':
			if err := t.scanString(false, false); err != nil {
				return err
			}
		case isWordByte(c):
			start := t.pos
			for t.pos < len(src) && isWordByte(src[t.pos]) {
				t.pos++
			}
			if t.pos < len(src) && (src[t.pos] == '\'' || src[t.pos] == '"') {
				if raw, f, ok := stringPrefix(src[start:t.pos]); ok {
					if err := t.scanString(raw, f); err != nil {
						return err
					}
				}
			}
		case c == '(' || c == '[' || c == '{':
			depth++
			t.pos++
		case c == ')' || c == ']':
			depth = max(depth-1, 0)
			t.pos++
		case c == '}':
			t.pos++
			if depth == 0 {
				return nil
			}
			depth--
		case c == ':' && depth == 0:
			t.pos++
			return t.scanSpec()
		case c == '#':
			if i := bytes.IndexByte(src[t.pos:], '\n'); i >= 0 {
				t.pos += i
			} else {
				t.pos = len(src)
			}
		default:
			t.pos++
		}
	}
	return t.fail(open, "f-string: expecting '}'")
}

// scanSpec moves past a format spec and the "}" closing its field.
func (t *tokenizer) scanSpec() error {
	src, open := t.src, t.pos
	for t.pos < len(src) {
		switch src[t.pos] {
		case '{':
			t.pos++
			if err := t.scanField(); err != nil {
				return err
			}
		case '}':
			t.pos++
			return nil
		default:
			t.pos++
		}
	}
	return t.fail(open, "f-string: expecting '}'")
}

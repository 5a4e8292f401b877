package python

import (
	"bytes"
	"fmt"
)

// CheckLayout checks src's indentation the way CPython's tokenizer and
// parser do, and reports the first problem with its line: an unexpected
// indent, a dedent to a level never opened, a block header without an
// indented block, inconsistent tabs and spaces, an unterminated string.
// Tree-sitter's Python grammar recovers from most of these silently, so a
// clean tree-sitter parse alone would let an instrumented file that Python
// rejects through.
func CheckLayout(src []byte) error {
	t := tokenizer{src: src}
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		t.pos = 3
	}
	cols, alts := []int{0}, []int{0}
	expect, header := false, 0
	for {
		ll, ok, err := t.next()
		if err != nil {
			if le, isLE := err.(*layoutError); isLE {
				return layoutErr(src, le.pos, le.msg)
			}
			return err
		}
		if !ok {
			break
		}
		if ll.code < 0 {
			continue
		}
		top := len(cols) - 1
		switch {
		case ll.col == cols[top]:
			if ll.alt != alts[top] {
				return layoutErr(src, ll.code, "inconsistent use of tabs and spaces in indentation")
			}
			if expect {
				return layoutErr(src, ll.code, fmt.Sprintf("expected an indented block after line %d", lineOf(src, header)))
			}
		case ll.col > cols[top]:
			if ll.alt <= alts[top] {
				return layoutErr(src, ll.code, "inconsistent use of tabs and spaces in indentation")
			}
			if !expect {
				return layoutErr(src, ll.code, "unexpected indent")
			}
			cols, alts = append(cols, ll.col), append(alts, ll.alt)
		default:
			if expect {
				return layoutErr(src, ll.code, fmt.Sprintf("expected an indented block after line %d", lineOf(src, header)))
			}
			for top > 0 && ll.col < cols[top] {
				top--
			}
			cols, alts = cols[:top+1], alts[:top+1]
			if ll.col != cols[top] {
				return layoutErr(src, ll.code, "unindent does not match any outer indentation level")
			}
			if ll.alt != alts[top] {
				return layoutErr(src, ll.code, "inconsistent use of tabs and spaces in indentation")
			}
		}
		expect, header = ll.endsWithColon, ll.code
	}
	if expect {
		return layoutErr(src, len(src), fmt.Sprintf("expected an indented block after line %d", lineOf(src, header)))
	}
	return nil
}

func lineOf(src []byte, pos int) int {
	return bytes.Count(src[:min(pos, len(src))], []byte("\n")) + 1
}

func layoutErr(src []byte, pos int, msg string) error {
	return fmt.Errorf("layout error at line %d: %s", lineOf(src, pos), msg)
}

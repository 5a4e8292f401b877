package python

import (
	"bytes"
	"regexp"
)

// inlineTick is the one inline insertion: a tick opening a loop body that
// shares its header's line.
var inlineTick = regexp.MustCompile(`_ti_tick\("[A-Za-z_][A-Za-z0-9_.:-]{0,127}"\); `)

// linePrefixes start the code of every whole line the tool inserts.
var linePrefixes = [][]byte{[]byte("@_ti_span("), []byte("_ti_loop("), []byte("_ti_tick("), []byte("_ti_var("), []byte("_ti_mark("), []byte("from ")}

// Strip removes every line and inline tick a previous run inserted and
// reports how many it removed. It only removes what it recognises exactly,
// line by line, so edits the user made elsewhere in the file survive.
func Strip(src []byte) ([]byte, int, error) {
	if !bytes.Contains(src, []byte("_ti_")) {
		return src, 0, nil
	}
	out := make([]byte, 0, len(src))
	n, i := 0, 0
	if bom := []byte("\xef\xbb\xbf"); bytes.HasPrefix(src, bom) {
		// The import goes after a byte order mark, which must stay first.
		out, i = append(out, bom...), len(bom)
	}
	for i < len(src) {
		end := lineEnd(src, i)
		line := src[i:end]
		if isInsertedLine(line) {
			n++
			if end == len(src) && line[len(line)-1] != '\n' {
				// Inserted after a last line without a line ending, it brought
				// the line ending before it along.
				switch {
				case bytes.HasSuffix(out, []byte("\r\n")):
					out = out[:len(out)-2]
				case bytes.HasSuffix(out, []byte("\n")):
					out = out[:len(out)-1]
				}
			}
		} else {
			out = append(out, line...)
		}
		i = end
	}
	if bytes.Contains(out, []byte("_ti_tick(")) {
		out = inlineTick.ReplaceAllFunc(out, func([]byte) []byte {
			n++
			return nil
		})
	}
	return out, n, nil
}

// isInsertedLine reports whether line (with its line ending) is one the
// tool inserted.
func isInsertedLine(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if !bytes.HasSuffix(line, []byte(Marker)) {
		return false
	}
	code := bytes.TrimLeft(line, " \t\f")
	for _, p := range linePrefixes {
		if bytes.HasPrefix(code, p) {
			return p[0] != 'f' || bytes.Contains(code, []byte(" import _ti_"))
		}
	}
	return false
}

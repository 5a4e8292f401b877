package javascript

import "bytes"

// Strip removes every piece a previous run injected and reports how many it
// removed. A line made only of indentation and marked pieces goes with its
// line ending; any other marked piece goes alone. Text between an opening
// marker and a missing closing one is left as it is.
func Strip(src []byte) ([]byte, int, error) {
	open, close := []byte(markOpen), []byte(markClose)
	if !bytes.Contains(src, open) {
		return src, 0, nil
	}
	out := make([]byte, 0, len(src))
	n := 0
	i := 0
	for {
		j := bytes.Index(src[i:], open)
		if j < 0 {
			break
		}
		start := i + j
		end := pieceEnd(src, start, open, close)
		if end < 0 {
			break
		}
		count := 1
		// Take any further pieces that directly follow, then see whether
		// they fill their line.
		for bytes.HasPrefix(src[end:], open) {
			e := pieceEnd(src, end, open, close)
			if e < 0 {
				break
			}
			end = e
			count++
		}
		ls, lineStart := onlyIndentBefore(src, start)
		lineStart = lineStart && ls >= i
		eol := -1
		if lineStart {
			switch {
			case bytes.HasPrefix(src[end:], []byte("\r\n")):
				eol = end + 2
			case bytes.HasPrefix(src[end:], []byte("\n")):
				eol = end + 1
			}
		}
		if eol >= 0 {
			out = append(out, src[i:ls]...)
			i = eol
		} else {
			out = append(out, src[i:start]...)
			i = end
		}
		n += count
	}
	out = append(out, src[i:]...)
	return out, n, nil
}

// pieceEnd returns the offset just past the closing marker of the piece
// opened at start, or -1 when it is not closed.
func pieceEnd(src []byte, start int, open, close []byte) int {
	k := bytes.Index(src[start+len(open):], close)
	if k < 0 {
		return -1
	}
	return start + len(open) + k + len(close)
}

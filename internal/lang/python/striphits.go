package python

import (
	"bytes"
	"slices"
)

// runtimePrefix starts every runtime name; a node whose text does not hold
// it holds nothing strip looks for.
const runtimePrefix = "_ti_"

// runtimeNameOffsets returns the offsets of every runtimePrefix in src, in order.
func runtimeNameOffsets(src []byte) []int {
	var hits []int
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte(runtimePrefix))
		if k < 0 {
			return hits
		}
		hits = append(hits, i+k)
		i += k + 1
	}
}

// holds reports whether src[start:end] holds a whole runtimePrefix, and
// returns the index in s.hits of the first one at or after start.
func (s *stripper) holds(start, end uint) (int, bool) {
	i, _ := slices.BinarySearch(s.hits, int(start))
	return i, i < len(s.hits) && s.hits[i]+len(runtimePrefix) <= int(end)
}

// eachNamedChild calls fn for n's named children that hold a runtime name,
// in order, jumping from name to name: the rest of a large file's tree
// (most of it) is never walked, and what is skipped cannot hold an injected
// piece, every one of which names the runtime.
func (s *stripper) eachNamedChild(n *node, fn func(c *node)) {
	end := n.EndByte()
	i, ok := s.holds(n.StartByte(), end)
	for ok && s.err == nil {
		c := n.FirstNamedChildForByte(uint(s.hits[i]))
		if c == nil {
			return
		}
		cEnd := c.EndByte()
		if _, in := s.holds(c.StartByte(), cEnd); in {
			fn(c)
		}
		i, ok = s.holds(cEnd, end)
	}
}

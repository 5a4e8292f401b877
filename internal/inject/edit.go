// Package inject turns rendered snippets into edits and applies them. An edit
// only ever inserts text: injection never changes a byte of the original, so
// removing what was inserted gives back the original exactly.
package inject

import (
	"fmt"
	"sort"
)

// Edit inserts New at byte offset At of the original text.
type Edit struct {
	At  int
	New string
	// Seq orders edits that share an offset: lower first. Renderers use it
	// so that, say, a closing piece of an outer construct lands after the
	// closing piece of an inner one that ends at the same byte.
	Seq int
}

// Apply returns src with every edit inserted. Edits at the same offset are
// inserted in Seq order, then in the order given. An offset outside src is
// an error, since it means a renderer and its parse disagree.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	sorted := make([]Edit, len(edits))
	copy(sorted, edits)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].At != sorted[j].At {
			return sorted[i].At < sorted[j].At
		}
		return sorted[i].Seq < sorted[j].Seq
	})
	size := len(src)
	for _, e := range sorted {
		if e.At < 0 || e.At > len(src) {
			return nil, fmt.Errorf("edit at byte %d is outside the %d-byte file", e.At, len(src))
		}
		size += len(e.New)
	}
	out := make([]byte, 0, size)
	prev := 0
	for _, e := range sorted {
		out = append(out, src[prev:e.At]...)
		out = append(out, e.New...)
		prev = e.At
	}
	return append(out, src[prev:]...), nil
}

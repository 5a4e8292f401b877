package python

import (
	"bytes"
	"strings"
)

// The opt-out directives users write in comments.
const (
	directivePrefix = "telemetry-inject:"
	ignoreReason    = "opted out with # telemetry-inject: ignore"
	ignoreFileSkip  = "file opted out with # telemetry-inject: ignore-file"
)

// lineComment is a comment and whether it stands alone on its line.
type lineComment struct {
	directive string // "ignore", "ignore-file" or ""
	alone     bool
}

// collectComments records the directive comments of the file by line. Most
// files have none, and walking every node through cgo costs, so the walk
// only happens when the directive's text is in the file at all.
func (fd *finder) collectComments(root *node) {
	if !bytes.Contains(fd.src, []byte(directivePrefix)) {
		return
	}
	fd.dirs = map[int]lineComment{}
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.ChildCount(); i++ {
			c := n.Child(i)
			if c.Kind() != "comment" {
				if c.ChildCount() > 0 {
					walk(c)
				}
				continue
			}
			d := directive(string(fd.src[c.StartByte():c.EndByte()]))
			if d == "" {
				continue
			}
			if d == "ignore-file" {
				fd.fileSkip = ignoreFileSkip
			}
			start := int(c.StartByte())
			alone := strings.TrimLeft(string(fd.src[lineStart(fd.src, start):start]), " \t\f") == ""
			fd.dirs[int(c.StartPosition().Row)] = lineComment{directive: d, alone: alone}
		}
	}
	walk(root)
}

// directive returns the directive a comment holds, or "".
func directive(comment string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(comment, "#")), directivePrefix)
	if !ok {
		return ""
	}
	f := strings.Fields(rest)
	if len(f) == 0 || (f[0] != "ignore" && f[0] != "ignore-file") {
		return ""
	}
	return f[0]
}

// optOut returns the skip reason when a def or class opted out: an ignore
// comment alone on the line above it (above its first decorator, or between
// its decorators and the def) or at the end of its header.
func (fd *finder) optOut(outer, def *node) string {
	if fd.dirs == nil {
		return ""
	}
	above := func(row uint) bool {
		d, ok := fd.dirs[int(row)-1]
		return row > 0 && ok && d.alone && d.directive == "ignore"
	}
	if above(outer.StartPosition().Row) || above(def.StartPosition().Row) {
		return ignoreReason
	}
	rows := []uint{def.StartPosition().Row}
	for i := uint(0); i < def.ChildCount(); i++ {
		if c := def.Child(i); c.Kind() == ":" {
			rows = append(rows, c.StartPosition().Row)
			break
		}
	}
	for _, r := range rows {
		if d, ok := fd.dirs[int(r)]; ok && !d.alone && d.directive == "ignore" {
			return ignoreReason
		}
	}
	return ""
}

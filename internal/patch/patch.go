// Package patch writes unified diffs that the tools people apply patches
// with accept as they are: `git apply`, `patch -p1`. It exists because a
// general-purpose diff library gets the edges wrong for source files: the
// last line of a file without a line ending, a file that is created or
// deleted, and the line counts of hunks that touch the end of a file.
package patch

import (
	"fmt"
	"io"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// context is the number of unchanged lines shown around each change, as
// `diff -u` and git do.
const context = 3

// Write writes the git-style diff that turns before into after for the file
// at name (a slash-separated path relative to the project root). A nil
// before is a new file and a nil after a deleted one; equal contents write
// nothing.
func Write(w io.Writer, name string, before, after []byte) error {
	if before != nil && after != nil && string(before) == string(after) {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/%s b/%s\n", name, name)
	from, to := "a/"+name, "b/"+name
	switch {
	case before == nil:
		b.WriteString("new file mode 100644\n")
		from = "/dev/null"
	case after == nil:
		b.WriteString("deleted file mode 100644\n")
		to = "/dev/null"
	}
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	a, z := lines(before), lines(after)
	if len(a)+len(z) > 0 { // an empty file created or deleted has no hunk
		for _, group := range difflib.NewMatcher(a, z).GetGroupedOpCodes(context) {
			hunk(&b, a, z, group)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// lines splits s into lines that keep their endings. Unlike
// difflib.SplitLines it invents no empty line after a final line ending,
// which is what made hunks at the end of a file count a line that does not
// exist.
func lines(s []byte) []string {
	if len(s) == 0 {
		return nil
	}
	out := strings.SplitAfter(string(s), "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// hunk writes one hunk: its header and its lines.
func hunk(b *strings.Builder, a, z []string, group []difflib.OpCode) {
	first, last := group[0], group[len(group)-1]
	fmt.Fprintf(b, "@@ -%s +%s @@\n", span(first.I1, last.I2), span(first.J1, last.J2))
	for _, op := range group {
		switch op.Tag {
		case 'e':
			emit(b, ' ', a[op.I1:op.I2])
		case 'd':
			emit(b, '-', a[op.I1:op.I2])
		case 'i':
			emit(b, '+', z[op.J1:op.J2])
		case 'r':
			emit(b, '-', a[op.I1:op.I2])
			emit(b, '+', z[op.J1:op.J2])
		}
	}
}

// span renders a hunk's range of lines [i, j) in the 1-based form diff
// uses: an empty range names the line before it, so a hunk that adds lines
// to an empty file reads "-0,0".
func span(i, j int) string {
	n := j - i
	if n == 0 {
		return fmt.Sprintf("%d,0", i)
	}
	return fmt.Sprintf("%d,%d", i+1, n)
}

// emit writes lines with their prefix. A line without a line ending (the
// last of a file) is followed by the marker patch tools expect.
func emit(b *strings.Builder, prefix byte, ls []string) {
	for _, l := range ls {
		b.WriteByte(prefix)
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

package javascript

import (
	"bytes"
	"regexp"
)

// varianceAnnotation matches a type parameter's variance modifiers (TS 4.7:
// `in`, `out`, `in out`, before the parameter's name, which is followed by
// extends, a default, a comma or the closing >). Group 1 is the modifiers
// with their trailing blanks. Only a `<` or `,` may come before (with
// blanks and comments between: zod puts a @ts-ignore comment there), and
// only blanks between the words, since an expression never has two names
// side by side there.
var varianceAnnotation = regexp.MustCompile(`[<,](?:[ \t\r\n]|/\*[\s\S]*?\*/|//[^\n]*\n)*((?:in[ \t]+out|in|out)[ \t]+)[A-Za-z_$][\w$]*[ \t\r\n]*(?:extends\b|[,>=])`)

// maskVariance returns src with the variance modifiers of type parameters
// blanked out (same length, so every byte offset of the tree is that of
// src), or src itself when it has none. The TypeScript grammar
// (tree-sitter-typescript v0.23.2) does not know them and fails the whole
// file, while they change nothing the instrumentation looks at: node text is
// always read from the real source, and nothing is ever inserted inside a
// type parameter list. A match inside a string or comment blanks letters of
// that literal only, which stays one node of the same span.
func maskVariance(src []byte) []byte {
	if !bytes.Contains(src, []byte("in ")) && !bytes.Contains(src, []byte("out ")) {
		return src
	}
	var masked []byte
	for i := 0; i < len(src); {
		loc := varianceAnnotation.FindSubmatchIndex(src[i:])
		if loc == nil {
			break
		}
		if masked == nil {
			masked = bytes.Clone(src)
		}
		start, end := i+loc[2], i+loc[3]
		for j := start; j < end; j++ {
			masked[j] = ' '
		}
		// The next parameter's comma may be the end of this match.
		i = end
	}
	if masked == nil {
		return src
	}
	return masked
}

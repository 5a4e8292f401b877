package javascript

import (
	"bytes"
	"context"
	"regexp"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// callSignatureLine matches a line that starts, after at least one blank,
// with a type parameter list, its first name on that line or alone on the
// next (`<` then a line break, as prettier wraps a long list): a generic
// call signature of an interface or object type. Group 1 is the last blank
// before the `<`.
var callSignatureLine = regexp.MustCompile(`(?m)^[ \t]*([ \t])<(?:[ \t]*\r?\n[ \t]*)?[A-Za-z_$]`)

// separateCallSignatures returns a copy of src with a `;` in place of the
// blank before each such `<`, and where it put them. The TypeScript
// grammar reads a generic call signature that follows a member without a
// separator (`): Curried` then, on the next line, `<Recipe>(...)`, as in
// immer's IProduce) as type arguments of that member's type, and fails the
// file; tsc separates members by the line break. Same length, so every
// offset and row of the tree is that of src.
func separateCallSignatures(src []byte) ([]byte, []int) {
	locs := callSignatureLine.FindAllSubmatchIndex(src, -1)
	if len(locs) == 0 {
		return nil, nil
	}
	out := append([]byte(nil), src...)
	var at []int
	for _, l := range locs {
		if !endsMember(src[:l[2]]) {
			continue
		}
		out[l[2]] = ';'
		at = append(at, l[2])
	}
	if len(at) == 0 {
		return nil, nil
	}
	return out, at
}

// endsMember reports whether the code before a candidate `<` (blanks and
// block comments, such as a JSDoc above the signature, skipped) can end a
// type member. After `,`, `(`, `<`, `|`, `&`, `=`, `:` or `{` the `<` opens
// a generic function type inside a type argument, union or parameter list
// (`IsUnknown<M,` then `<V>(value: V) => V,`), or is the body's first
// member: a `;` there would break the file, and one such line would make
// the whole separated copy fail.
func endsMember(before []byte) bool {
	for {
		before = bytes.TrimRight(before, " \t\r\n")
		if !bytes.HasSuffix(before, []byte("*/")) {
			break
		}
		open := bytes.LastIndex(before[:len(before)-2], []byte("/*"))
		if open < 0 {
			return false
		}
		before = before[:open]
	}
	if len(before) == 0 {
		return false
	}
	return !bytes.ContainsRune([]byte(",(<|&=:{?"), rune(before[len(before)-1]))
}

// separatorsInTypeBodies reports whether every `;` put at the offsets in at
// parsed as a member separator of an interface or object type, so the
// separated copy means what tsc reads in the original and nothing else (a
// line starting with `<` in an expression would have turned into a
// statement of its own, which this rejects).
func separatorsInTypeBodies(root *treesitter.Node, at []int) bool {
	for _, pos := range at {
		n := root.DescendantForByteRange(uint(pos), uint(pos+1))
		if n == nil || n.Kind() != ";" {
			return false
		}
		p := n.Parent()
		if p == nil || (p.Kind() != "interface_body" && p.Kind() != "object_type") {
			return false
		}
	}
	return true
}

// parseTS parses TypeScript (not TSX) src with the workarounds for the
// grammar's gaps, each of which keeps every offset and row: variance
// modifiers and type-only star re-exports masked, and, when the file
// fails as written, call signatures separated. Everything that reads
// TypeScript with tree-sitter goes through it, so that a file Find reads
// is one Strip reads too.
func parseTS(ctx context.Context, ts *treesitter.Parser, src []byte) (*treesitter.Tree, error) {
	// The bindings' ParseCtx dereferences a nil cancellation flag when a
	// context is cancelled mid-parse (go-tree-sitter v0.25.0), so the
	// parse itself runs uncancellable; it takes milliseconds.
	parsed := maskVariance(maskTypeStar(src))
	tree, err := ts.Parse(context.WithoutCancel(ctx), parsed)
	if err != nil || !tree.RootNode().HasError() {
		return tree, err
	}
	// Tried only when the file fails as written, and kept only when the
	// separators land between type members and all else parses.
	if sep, at := separateCallSignatures(parsed); len(at) > 0 {
		alt, err := ts.Parse(context.WithoutCancel(ctx), sep)
		switch {
		case err != nil:
		case !alt.RootNode().HasError() && separatorsInTypeBodies(alt.RootNode(), at):
			tree.Close()
			return alt, nil
		default:
			alt.Close()
		}
	}
	return tree, nil
}

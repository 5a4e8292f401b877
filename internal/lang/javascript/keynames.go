package javascript

import (
	"bytes"
	"context"
	"regexp"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// moduleKeyword is the reserved words ES2022 allows as the names a module
// exports or imports (`export { _null as null }`, `export * as class from`,
// `import { function as fn } from`), which bundlers emit (valibot's dist,
// hono's jsx) and tree-sitter-javascript v0.25.0 rejects, failing the whole
// file. `default` is left out: the grammar knows it, and the tree must keep
// saying which export is the default one.
const moduleKeyword = `(?:await|break|case|catch|class|const|continue|debugger|delete|do|else|enum|export|extends|false|finally|for|function|if|import|in|instanceof|new|null|return|super|switch|this|throw|true|try|typeof|var|void|while|with|yield)`

// moduleClause matches the braces of an import or export clause (`export
// {`, `import a, {`) in group 1, and a namespace re-export's keyword name
// (`export * as class from`) in group 2.
var moduleClause = regexp.MustCompile(`\b(?:export|import)[ \t\r\n]+(?:[\w$]+[ \t\r\n]*,[ \t\r\n]*)?(\{[^{}]*\})` +
	`|\*[ \t\r\n]*as[ \t\r\n]+(` + moduleKeyword + `)[ \t\r\n]+from\b`)

// importAssert matches the `assert` of an import assertion (`from "./x.json"
// assert { type: "json" }`) in group 1.
var importAssert = regexp.MustCompile(`\bfrom[ \t\r\n]*(?:"[^"\n]*"|'[^'\n]*')[ \t\r\n]*(assert)[ \t\r\n]*\{`)

// clauseKeyword matches, inside a clause's braces, a keyword in group 1
// where a specifier's name or alias stands: first in the clause or after a
// comma, or after `as`.
var clauseKeyword = regexp.MustCompile(`(?:[{,]|\bas)[ \t\r\n]*(` + moduleKeyword + `)\b`)

// maskKeywordNames returns src with the first letter of every keyword
// module name replaced by `_` (`null` reads `_ull`) and import assertions
// read as import attributes: the same length, so
// every offset of the tree is that of src, and node text is always read
// from the real source. Nil when there is none.
func maskKeywordNames(src []byte) []byte {
	var masked []byte
	mask := func(at int) {
		if masked == nil {
			masked = bytes.Clone(src)
		}
		masked[at] = '_'
	}
	// Import assertions, the form of import attributes Node 20 still runs,
	// which the grammar knows only as `with`: the same length as it.
	for _, m := range importAssert.FindAllSubmatchIndex(src, -1) {
		for j, c := range []byte("with  ") {
			mask(m[2] + j)
			masked[m[2]+j] = c
		}
	}
	for _, m := range moduleClause.FindAllSubmatchIndex(src, -1) {
		if m[4] >= 0 {
			mask(m[4])
			continue
		}
		for _, k := range clauseKeyword.FindAllSubmatchIndex(src[m[2]:m[3]], -1) {
			mask(m[2] + k[2])
		}
	}
	return masked
}

// parseJS parses JavaScript src as written and, when that fails and the
// file has keyword module names, with them masked, keeping that tree only
// when it parses cleanly: a text the grammar wrongly rejects for its names
// alone is read, and one with a real mistake keeps its own errors.
func parseJS(ctx context.Context, js *treesitter.Parser, src []byte) (*treesitter.Tree, error) {
	// The bindings' ParseCtx dereferences a nil cancellation flag when a
	// context is cancelled mid-parse (go-tree-sitter v0.25.0), so the
	// parse itself runs uncancellable; it takes milliseconds.
	tree, err := js.Parse(context.WithoutCancel(ctx), src)
	if err != nil || !tree.RootNode().HasError() {
		return tree, err
	}
	masked := maskKeywordNames(src)
	if masked == nil {
		return tree, nil
	}
	alt, err := js.Parse(context.WithoutCancel(ctx), masked)
	if err != nil || alt.RootNode().HasError() {
		if alt != nil {
			alt.Close()
		}
		return tree, nil
	}
	tree.Close()
	return alt, nil
}

// typeStarExport matches the `type` of a type-only star re-export (TS 5.0:
// `export type * from "./types"`, `export type * as ns from`), in group 1,
// which tree-sitter-typescript v0.23.2 does not know, failing the file.
var typeStarExport = regexp.MustCompile(`\bexport[ \t]+(type)[ \t]+\*`)

// maskTypeStar returns src with that `type` blanked (the same length; the
// re-export reads as a plain one, and nothing is ever inserted in it), or
// src itself when there is none. A match inside a string or comment blanks
// letters of that literal only.
func maskTypeStar(src []byte) []byte {
	ms := typeStarExport.FindAllSubmatchIndex(src, -1)
	if ms == nil {
		return src
	}
	masked := bytes.Clone(src)
	for _, m := range ms {
		for j := m[2]; j < m[3]; j++ {
			masked[j] = ' '
		}
	}
	return masked
}

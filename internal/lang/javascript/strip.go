package javascript

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// Strip removes every piece a previous run injected and reports how many it
// removed, trying the JavaScript, TypeScript and TSX grammars in turn (the
// languages' own Strip knows which to try first). See stripWith.
func Strip(src []byte) ([]byte, int, error) {
	if !mayHoldPieces(src) {
		return src, 0, nil
	}
	var gs []grammar
	for _, g := range []treesitter.Grammar{treesitter.JavaScript, treesitter.TypeScript, treesitter.TSX} {
		p := treesitter.NewParser(g, 1)
		defer p.Close()
		gs = append(gs, grammar{p: p, ts: g == treesitter.TypeScript, js: g == treesitter.JavaScript})
	}
	return stripWith(src, gs...)
}

// grammar is a parser Strip may read a file with; ts marks TypeScript's
// and js JavaScript's, which read through parseTS and parseJS as Find
// does, so that a file with the grammar's gaps (variance modifiers,
// unseparated call signatures, keyword module names) that was
// instrumented is one whose pieces can be found again.
type grammar struct {
	p      *treesitter.Parser
	ts, js bool
}

func (g grammar) parse(src []byte) (*treesitter.Tree, error) {
	switch {
	case g.ts:
		return parseTS(context.Background(), g.p, src)
	case g.js:
		return parseJS(context.Background(), g.p, src)
	}
	return g.p.Parse(context.Background(), src)
}

func mayHoldPieces(src []byte) bool {
	return bytes.Contains(src, []byte(markOpen)) || bytes.Contains(src, []byte(markClose))
}

// piece is one injected piece: from its opening marker comment to the end
// of its closing one.
type piece struct{ start, end int }

// stripWith removes the injected pieces of src, parsed with the first of
// grammars that parses it cleanly (else the first). Only marker comments
// that are comment nodes count, so marker text inside strings, templates,
// regular expressions, JSX text or other comments is the user's and stays.
// A line made only of indentation and pieces goes with its line ending;
// any other piece goes alone. It fails, naming the line, when a marker has
// no partner, when a piece holds anything but code we write (a formatter
// moved user code into it, say), or when taking the pieces out of a file
// that parsed would leave one that does not: the file is then left alone.
func stripWith(src []byte, grammars ...grammar) ([]byte, int, error) {
	if !mayHoldPieces(src) {
		return src, 0, nil
	}
	var tree *treesitter.Tree
	var used grammar
	for _, g := range grammars {
		t, err := g.parse(src)
		if err != nil {
			return nil, 0, fmt.Errorf("parsing to find injected code: %w", err)
		}
		if tree == nil || !t.RootNode().HasError() {
			if tree != nil {
				tree.Close()
			}
			tree, used = t, g
			if !t.RootNode().HasError() {
				break
			}
			continue
		}
		t.Close()
	}
	defer tree.Close()
	return stripTree(tree, used, src)
}

// stripTree is stripWith's work once src is parsed: tree is src's parse
// with used, the grammar that checks the result.
func stripTree(tree *treesitter.Tree, used grammar, src []byte) ([]byte, int, error) {
	if !mayHoldPieces(src) {
		return src, 0, nil
	}
	clean := !tree.RootNode().HasError()
	pieces, err := findPieces(tree.RootNode(), src)
	if err != nil {
		return nil, 0, err
	}
	if len(pieces) == 0 {
		return src, 0, nil
	}
	li := newLines(src)
	for _, pc := range pieces {
		if !ourCode(src[pc.start+len(markOpen) : pc.end-len(markClose)]) {
			return nil, 0, fmt.Errorf("line %d: injected code was changed (by a formatter?) and cannot be taken out exactly; restore it or remove it by hand", li.line(pc.start))
		}
	}
	out := removePieces(src, pieces)
	if clean {
		t, err := used.parse(out)
		if err != nil {
			return nil, 0, fmt.Errorf("parsing the file without its injected code: %w", err)
		}
		defer t.Close()
		if bad := firstBad(t.RootNode()); bad != nil {
			return nil, 0, fmt.Errorf("line %d: taking the injected code out would leave a syntax error at %d:%d (a formatter changed it?); the file is left as it is",
				li.line(pieces[0].start), bad.StartPosition().Row+1, bad.StartPosition().Column+1)
		}
	}
	return out, len(pieces), nil
}

// findPieces pairs the marker comments of src, in order.
func findPieces(root *treesitter.Node, src []byte) ([]piece, error) {
	type marker struct {
		at   int
		open bool
	}
	var marks []marker
	for _, m := range []string{markOpen, markClose} {
		for i := 0; ; {
			k := bytes.Index(src[i:], []byte(m))
			if k < 0 {
				break
			}
			start, end := i+k, i+k+len(m)
			i = end
			n := root.DescendantForByteRange(uint(start), uint(end))
			if n != nil && n.Kind() == "comment" && int(n.StartByte()) == start && int(n.EndByte()) == end {
				marks = append(marks, marker{start, m == markOpen})
			}
		}
	}
	// Two sorted runs; merge by offset.
	sortMarkers := func(a, b marker) int { return a.at - b.at }
	slices.SortFunc(marks, sortMarkers)
	var out []piece
	li := newLines(src)
	for i := 0; i < len(marks); i++ {
		if !marks[i].open {
			return nil, fmt.Errorf("line %d: the end of an injected piece without its start; restore it or remove it by hand", li.line(marks[i].at))
		}
		if i+1 == len(marks) || marks[i+1].open {
			return nil, fmt.Errorf("line %d: the start of an injected piece without its end; restore it or remove it by hand", li.line(marks[i].at))
		}
		out = append(out, piece{marks[i].at, marks[i+1].at + len(markClose)})
		i++
	}
	return out, nil
}

// removePieces cuts the pieces out of src. Pieces separated by nothing but
// spaces form a run; a run alone on its line(s) takes the indentation
// before it and the line ending after it along.
func removePieces(src []byte, pieces []piece) []byte {
	out := make([]byte, 0, len(src))
	i := 0
	for k := 0; k < len(pieces); {
		first := k
		for k+1 < len(pieces) && onlySpaces(src[pieces[k].end:pieces[k+1].start]) {
			k++
		}
		start, end := pieces[first].start, pieces[k].end
		k++
		ls, atLineStart := onlyIndentBefore(src, start)
		if atLineStart && ls >= i {
			if eol, ok := restOfLineBlank(src, end); ok {
				out = append(out, src[i:ls]...)
				i = eol
				continue
			}
		}
		for j := first; j < k; j++ {
			out = append(out, src[i:pieces[j].start]...)
			i = pieces[j].end
		}
	}
	return append(out, src[i:]...)
}

func onlySpaces(b []byte) bool {
	return len(bytes.Trim(b, " \t")) == 0
}

// The code we write between markers (docs/injected-code.md), once
// whitespace and the trailing commas a formatter may add are removed.
var ourPieces = func() *regexp.Regexp {
	const (
		str  = `(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`
		id   = `[\pL_$][\pL\pN_$]*`
		obj  = `\{(?:` + id + `:` + id + `(?:,` + id + `:` + id + `)*)?\}`
		arg  = `(?:` + str + `|\d+|` + obj + `|` + id + `)`
		args = arg + `(?:,` + arg + `)*`
	)
	// The coverage hint, optional: output of releases before it has none.
	hint := `(?:` + regexp.QuoteMeta(normalizePiece(coverageHint)) + `)?`
	ihint := `(?:` + regexp.QuoteMeta(normalizePiece(istanbulHint)) + `)?`
	script := hint + strings.ReplaceAll(regexp.QuoteMeta(normalizePiece(strings.TrimPrefix(scriptImport("SPEC"), coverageHint))), `"SPEC"`, str)
	// The lookup as releases before the JSDoc cast wrote it, and before
	// the checkJs fix, whose fallback run declared five parameters: still
	// ours to remove.
	uncast := strings.ReplaceAll(regexp.QuoteMeta(normalizePiece("var __ti = "+scriptLookup("SPEC")+";")), `"SPEC"`, str)
	legacy := strings.Replace(uncast, regexp.QuoteMeta("function(){varf=arguments[4];returnf();}"),
		regexp.QuoteMeta("function(a,b,c,d,f){returnf();}"), 1)
	forms := []string{
		`;?import\*as__tifrom` + str + `;`,
		`;?const__ti=require\(` + str + `\);`,
		`;?import__ti=require\(` + str + `\);`,
		`;?` + script,
		`;?` + uncast,
		`;?` + legacy,
		`;?const__ti_s=__ti\.enter\(` + args + `\);try\{`,
		// The catch part has the coverage hints since they were added.
		`\}(?:catch\(__ti_e\)` + ihint + `\{__ti\.fail\(__ti_s,__ti_e\);throw__ti_e;\}` + hint + `)?finally\{__ti\.exit\(__ti_s\);\}`,
		// The arrow may carry the function's return type (": T"). An
		// async function awaits what run returns; releases before that
		// returned it, and their output is still ours to remove.
		`;?return__ti\.run\(` + args + `,(?:async)?\(\)(?::.+)?=>\{`,
		`;?returnawait__ti\.run\(` + args + `,async\(\)(?::.+)?=>\{`,
		// In JavaScript the type is JSDoc before the arrow.
		`;?return(?:await)?__ti\.run\(` + args + `,/\*\*@returns\{Promise<void>\}\*/async\(\)=>\{`,
		`\}(?:,1)?\);`,
		`\{const__ti_s=__ti\.enter\(` + args + `\);try\{return\(?`,
		`\)?;?\}(?:catch\(__ti_e\)` + ihint + `\{__ti\.fail\(__ti_s,__ti_e\);throw__ti_e;\}` + hint + `)?finally\{__ti\.exit\(__ti_s\);\}\}`,
		`(?:await)?__ti\.run\(` + args + `,(?:async)?\(\)=>\(?`,
		`\)?(?:,1)?\)`,
		`;?__ti\.(?:loop|tick|v|val|mark)\(` + args + `\);`,
	}
	return regexp.MustCompile(`^(?:` + strings.Join(forms, "|") + `)$`)
}()

// ourCode reports whether the text between two markers is code we write.
func ourCode(b []byte) bool {
	return ourPieces.MatchString(normalizePiece(string(b)))
}

func normalizePiece(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	return strings.NewReplacer(",)", ")", ",}", "}").Replace(s)
}

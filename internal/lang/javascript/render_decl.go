package javascript

import (
	"bytes"
	"context"
	"regexp"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// setterHead matches the head of a setter (set name(...)), whose body may
// not return a value.
var setterHead = regexp.MustCompile(`(^|[^\w$])set\s+[\w$#\[]`)

// declaresFunctions reports whether c is a plain TypeScript function (not
// async, a generator, a constructor or a setter, which cannot return the
// run's value) whose body declares functions at its top level.
func declaresFunctions(f *source.File, c *source.Construct) bool {
	a := c.Anchor
	if f.Lang != source.TypeScript || c.Async || c.Generator || c.Name == "constructor" {
		return false
	}
	body := f.Src[a.BodyStart:a.BodyEnd]
	if !bytes.Contains(body, []byte("function")) || setterHead.Match(f.Src[c.Range.Start:a.BodyStart]) {
		return false
	}
	g := treesitter.TypeScript
	if f.TSX {
		g = treesitter.TSX
	}
	p := treesitter.NewParser(g, 1)
	defer p.Close()
	tree, err := p.Parse(context.Background(), body)
	if err != nil {
		return false
	}
	defer tree.Close()
	root := tree.RootNode()
	for i := uint(0); i < root.NamedChildCount(); i++ {
		switch root.NamedChild(i).Kind() {
		case "function_declaration", "generator_function_declaration":
			return true
		}
	}
	return false
}

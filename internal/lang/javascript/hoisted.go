package javascript

import (
	"bytes"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// reasonHoisted is why a module factory of a test runner's mock is left
// alone, with everything inside it.
const reasonHoisted = "a test runner hoists it above the file's imports (jest.mock's factory, vi.hoisted's callback): " +
	"babel-jest refuses a factory that reads a variable of the file (__ti), and vitest runs the callback before the runtime's import binds"

// hoistedArgs are the calls, on jest or vi, whose function argument (by
// position) a test runner's transform moves above the file's imports and
// that cannot read them: babel-plugin-jest-hoist's jest.mock(path,
// factory) and vitest's vi.hoisted(fn). vitest hoists vi.mock too, but
// calls its factory only when the mocked module is first imported, after
// the file's own imports (the runtime's, which comes first) have bound.
var hoistedArgs = map[string]map[string]int{
	"jest": {"mock": 1},
	"vi":   {"hoisted": 0},
}

// markHoisted sets Skip on every construct of cs that lies in a function a
// test runner hoists (hoistedArgs). Such calls sit in setup files
// (jest.setup.js, src/setupTests.js) and helpers that the default excludes
// do not name as tests. named lists a node's named children.
func markHoisted(root *treesitter.Node, named func(*treesitter.Node) []treesitter.Node, src []byte, cs []source.Construct) {
	if !bytes.Contains(src, []byte("jest.")) && !bytes.Contains(src, []byte("vi.")) {
		return
	}
	var hoisted []span
	var walk func(n *treesitter.Node)
	walk = func(n *treesitter.Node) {
		if n.Kind() == "call_expression" {
			if arg := hoistedArg(n, src); arg != nil {
				hoisted = append(hoisted, span{int(arg.StartByte()), int(arg.EndByte()), ""})
			}
		}
		kids := named(n)
		for i := range kids {
			walk(&kids[i])
		}
	}
	walk(root)
	for i := range cs {
		for _, s := range hoisted {
			if cs[i].Range.Start >= s.start && cs[i].Range.End <= s.end {
				cs[i].Skip = reasonHoisted
				break
			}
		}
	}
}

// hoistedArg returns the function literal call n hands a test runner to
// hoist, or nil. The call may be chained (jest.mock(a).mock(b, f)), as
// babel-plugin-jest-hoist allows.
func hoistedArg(n *treesitter.Node, src []byte) *treesitter.Node {
	fn, args := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
	if fn == nil || args == nil || fn.Kind() != "member_expression" {
		return nil
	}
	prop := fn.ChildByFieldName("property")
	if prop == nil {
		return nil
	}
	// The object the chain starts from: jest in jest.mock(a).mock(b).
	obj := fn.ChildByFieldName("object")
	for obj != nil && obj.Kind() == "call_expression" {
		inner := obj.ChildByFieldName("function")
		if inner == nil || inner.Kind() != "member_expression" {
			return nil
		}
		obj = inner.ChildByFieldName("object")
	}
	if obj == nil || obj.Kind() != "identifier" {
		return nil
	}
	at, ok := hoistedArgs[treesitter.Text(obj, src)][treesitter.Text(prop, src)]
	if !ok {
		return nil
	}
	for i := uint(0); i < args.NamedChildCount(); i++ {
		arg := args.NamedChild(i)
		if arg.Kind() == "comment" {
			continue
		}
		if at > 0 {
			at--
			continue
		}
		for arg.Kind() == "parenthesized_expression" && arg.NamedChildCount() == 1 {
			arg = arg.NamedChild(0)
		}
		if isFunctionLiteral(arg) {
			return arg
		}
		return nil
	}
	return nil
}

package golang

import (
	"slices"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// perElement are the standard library functions that call a function
// literal passed to them once per element, comparison or visited file:
// sort.Slice's less function, slices.IndexFunc's predicate,
// strings.FieldsFunc's test, sync.Map's Range, filepath.WalkDir's visitor.
// A span there would be a span per comparison of a sort.
var perElement = []string{"Slice", "SliceStable", "Search", "SortFunc", "SortStableFunc", "BinarySearchFunc",
	"IndexFunc", "ContainsFunc", "DeleteFunc", "CompactFunc", "EqualFunc", "CompareFunc", "MaxFunc", "MinFunc",
	"FieldsFunc", "FieldsFuncSeq", "TrimFunc", "TrimLeftFunc", "TrimRightFunc", "LastIndexFunc", "Map", "Range",
	"Walk", "WalkDir"}

// protocol says why fmt, sort, encoding or errors call a method of this
// name for the program, implicitly and often, or "".
func protocol(name string) string {
	switch name {
	case "String", "GoString", "Error", "Format", "Len", "Less", "Swap",
		"MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText":
		return "method " + name + " runs implicitly and often (fmt, sort, encoding)"
	}
	return ""
}

// literalTraits records on function literal c, named name by literalName,
// what planners weigh about it: how it runs when no name binds it, and
// whether the call it is passed to runs it per element.
func (fd *finder) literalTraits(n *node, c *source.Construct, name string) {
	switch name {
	case "go":
		c.Spawned = true
		c.Unnamed = true
	case "defer", "func":
		c.Unnamed = true
	}
	p := n.Parent()
	for p != nil && p.Kind() == "parenthesized_expression" {
		p = p.Parent()
	}
	if p == nil || p.Kind() != "argument_list" {
		return
	}
	if call := p.Parent(); call != nil && call.Kind() == "call_expression" {
		if callee := lastName(call.ChildByFieldName("function"), fd.src); slices.Contains(perElement, callee) {
			c.PerElement = callee
		}
	}
}

package decide

import (
	"regexp"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// binding is how a function comes to exist where it is written.
type binding int

const (
	// bindDeclared: a function statement, a Python def, a method.
	bindDeclared binding = iota
	// bindReturned: the value of a return (a factory's product: middleware).
	bindReturned
	// bindArgument: passed to a call (a callback, a route handler).
	bindArgument
	// bindAssigned: assigned to a variable or property.
	bindAssigned
	// bindProperty: a value in an object literal.
	bindProperty
	// bindInvoked: called where it is written (an IIFE, a module wrapper).
	bindInvoked
	// bindSpawned: a Go function literal a go statement runs: work of its
	// own on a goroutine of its own, never a step of its definer's.
	bindSpawned
)

// bound is what the text before a function says about it.
type bound struct {
	how binding
	// names are the names it is assigned to (res.set = res.header = ...
	// gives set and header), or its key in an object literal.
	names []string
	// callee is the function it is passed to, for bindArgument.
	callee string
}

// assignChain matches the assignments that end right before a function:
// "res.set =\nres.header = ".
var assignChain = regexp.MustCompile(`(?:[\p{L}_$][\p{L}\p{N}_$.]*(?:\[[^\[\]=]*\])?\s*=\s*)+$`)

// lastName is the last identifier of a dotted name.
var lastName = regexp.MustCompile(`[\p{L}_$][\p{L}\p{N}_$]*$`)

// boundOf reads how function c is bound from the text before it.
func boundOf(f *source.File, c *source.Construct) bound {
	switch {
	case c.Declared:
		return bound{how: bindDeclared}
	case c.Spawned:
		return bound{how: bindSpawned}
	}
	pre := f.Src[max(0, c.Range.Start-400):c.Range.Start]
	t := strings.TrimRight(string(pre), " \t\r\n")
	// x := func...: a short variable declaration (Go's) assigns as = does.
	if s, ok := strings.CutSuffix(t, ":="); ok {
		t = strings.TrimRight(s, " \t") + " ="
	}
	switch {
	case strings.HasSuffix(t, "return") || strings.HasSuffix(t, "=>"):
		return bound{how: bindReturned}
	case strings.HasSuffix(t, "(") || strings.HasSuffix(t, ","):
		open := openParen(t)
		if open < 0 {
			return bound{how: bindArgument}
		}
		callee := lastName.FindString(strings.TrimRight(t[:open], " \t\r\n"))
		if callee == "" || callee == "return" {
			return bound{how: bindInvoked}
		}
		return bound{how: bindArgument, callee: callee}
	case strings.HasSuffix(t, "=") && !strings.HasSuffix(t, "==") && !strings.HasSuffix(t, "!="):
		var names []string
		for _, part := range strings.Split(assignChain.FindString(t+" "), "=") {
			if n := lastName.FindString(strings.TrimSpace(part)); n != "" {
				names = append(names, n)
			}
		}
		return bound{how: bindAssigned, names: names}
	case strings.HasSuffix(t, ":"):
		return bound{how: bindProperty, names: []string{lastName.FindString(strings.TrimSpace(strings.TrimSuffix(t, ":")))}}
	case strings.HasSuffix(t, "!") || strings.HasSuffix(t, "void"):
		return bound{how: bindInvoked}
	}
	return bound{how: bindDeclared}
}

// openParen returns the index of the unclosed "(" that t ends inside, or
// -1 when brackets do not balance within t.
func openParen(t string) int {
	depth := 0
	for i := len(t) - 1; i >= 0; i-- {
		switch t[i] {
		case ')', ']', '}':
			depth++
		case '[', '{':
			depth--
		case '(':
			if depth == 0 {
				return i
			}
			depth--
		}
		if depth < 0 {
			return -1
		}
	}
	return -1
}

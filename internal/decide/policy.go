package decide

import (
	"fmt"
	"slices"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Density is how much telemetry a run may add: the noise budget.
type Density int

// The densities. The zero value is Low, the default: a run that says
// nothing gets the quietest telemetry.
const (
	Low Density = iota
	Medium
	High
)

// Densities lists the densities in increasing order.
func Densities() []Density { return []Density{Low, Medium, High} }

func (d Density) String() string {
	switch d {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return fmt.Sprintf("density(%d)", int(d))
}

// ParseDensity reads a density as users write it.
func ParseDensity(s string) (Density, error) {
	for _, d := range Densities() {
		if strings.EqualFold(strings.TrimSpace(s), d.String()) {
			return d, nil
		}
	}
	return Low, fmt.Errorf("density %q: want low, medium or high", s)
}

// Policy is what a run lets telemetry record, whoever decided: it is
// applied to every decision, an LLM's, a cached one or the built-in
// planner's, after Validate.
type Policy struct {
	// RecordValues is the user's opt-in (--record-values) to recording
	// values: without it Decision.RecordValue is always cleared, so only
	// shapes are recorded. Sensitive data is never recorded either way.
	RecordValues bool
	// Density is the noise budget.
	Density Density
}

// budget holds the numbers of one density.
type budget struct {
	// minLines is the fewest code lines a function body needs for a span.
	minLines int
	// minEventLines is the fewest code lines a function needs for events
	// of its loops and variables.
	minEventLines int
	// minLoopLines is the fewest code lines a loop body needs for an
	// event: a loop that only collects or sums says nothing its span
	// does not.
	minLoopLines int
	// maxVars is the most variables recorded per function (0: no limit).
	maxVars int
	// callsOnly records only variables assigned from a call.
	callsOnly bool
	// accessors lets property getters and setters have spans.
	accessors bool
	// namedAccessors, when positive, is the fewest code lines a function
	// named as a getter or setter (get, set_name, isReady...) needs for a
	// span: frameworks call them many times per request.
	namedAccessors int
	// branchStatements is the fewest statements a body under minLines
	// without a loop needs to count as work for branching: a guard around
	// one call (a dispatcher's if and try/catch) is not.
	branchStatements int
	// plumbing applies the rules of plumbing.go: no span for closures that
	// are steps of their definer, continuations, predicates, functions
	// called once per element, and accessors bound under another name.
	plumbing bool
	// quiet applies the rules that keep telemetry out of loops, out of
	// trivial functions and off module level; High leaves the planner's
	// choices as they are.
	quiet bool
}

func (d Density) budget() budget {
	switch d {
	case High:
		return budget{minLines: 1, accessors: true}
	case Medium:
		return budget{minLines: 3, minLoopLines: 2, maxVars: 4, quiet: true, branchStatements: 3}
	}
	return budget{minLines: 10, minEventLines: 20, minLoopLines: 3, maxVars: 1, callsOnly: true, quiet: true, namedAccessors: 40,
		branchStatements: 4, plumbing: true}
}

// Apply enforces the policy on the decisions about one file's constructs.
// cs are all the constructs found in f, in source order, and ds their
// decisions: ds[i] is nil for a construct that was not decided (excluded
// or skipped), and is adjusted in place otherwise. It returns, for each
// construct, why the density trimmed it ("" when it did not): a trimmed
// decision becomes a skip with that reason.
//
// Besides trimming, Apply clears RecordValue unless the run opted in,
// marks a variable sensitive when its assignment reads a secret (a
// password prompt, the environment) whatever its name, and clears
// CountIterations below High, so no loop gets a per-iteration call. A
// construct whose source runs elsewhere as text (Construct.Serialized) is
// trimmed at every density.
func (p Policy) Apply(f *source.File, cs []source.Construct, ds []*source.Decision) []string {
	b := p.Density.budget()
	ctx := nest(cs)
	why := make([]string, len(cs))
	// Functions first: whether a loop or a variable may have telemetry
	// depends on whether the function it is in is worth a span.
	worth := make([]bool, len(cs))
	lines := make([]int, len(cs)) // a function's code lines
	var pl *plumbing
	if b.plumbing {
		pl = newPlumbing(f, cs, ctx)
	}
	for i := range cs {
		c := &cs[i]
		if c.Kind != source.Function {
			continue
		}
		body := measure(f, c)
		lines[i] = body.lines
		r := b.functionRule(c, body, ctx[i])
		if r == "" && pl != nil {
			r = pl.reason(i, body, b)
		}
		worth[i] = r == "" && (ds[i] == nil || !ds[i].Skip)
		if ds[i] != nil && !ds[i].Skip && r != "" {
			why[i] = r
		}
	}
	recorded := map[int][]string{} // per enclosing function: variables recorded
	for i := range cs {
		c, d := &cs[i], ds[i]
		if d == nil || d.Skip {
			continue
		}
		if !p.RecordValues {
			d.RecordValue = false
		}
		if c.Serialized != "" {
			// At every density: the code would run where the runtime
			// is not.
			why[i] = c.Serialized
			continue
		}
		switch c.Kind {
		case source.Loop:
			if p.Density < High {
				d.CountIterations = false
			}
			why[i] = b.placeRule(c, ctx[i], worth)
			if why[i] == "" {
				why[i] = b.eventRule(ctx[i], lines)
			}
			if n := measure(f, c).lines; why[i] == "" && n < b.minLoopLines {
				why[i] = fmt.Sprintf("%d-line loop body, under the %d an event needs", n, b.minLoopLines)
			}
		case source.Variable:
			if sensitiveValue(c.Code(f)) {
				d.Sensitive, d.RecordValue = true, false
			}
			why[i] = b.placeRule(c, ctx[i], worth)
			if why[i] == "" {
				why[i] = b.eventRule(ctx[i], lines)
			}
			if why[i] == "" {
				why[i] = b.variableRule(f, c, recorded[ctx[i].fn])
			}
			if why[i] == "" {
				recorded[ctx[i].fn] = append(recorded[ctx[i].fn], c.Targets...)
			}
		}
	}
	for i, r := range why {
		if r != "" {
			*ds[i] = source.Decision{Skip: true, Reason: fmt.Sprintf("density %s: %s", p.Density, r), Attributes: []string{}}
		}
	}
	return why
}

// functionRule says why the budget gives function c no span, or "".
func (b budget) functionRule(c *source.Construct, body shape, at place) string {
	if c.Serialized != "" {
		return c.Serialized
	}
	if c.Protocol != "" {
		return c.Protocol
	}
	if !b.quiet {
		return ""
	}
	if at.inLoop || c.InLoop {
		return "defined inside a loop"
	}
	if body.accessor && !b.accessors {
		return "property accessor: runs on every attribute read"
	}
	if b.namedAccessors > 0 && accessorName(c.Name) && body.lines < b.namedAccessors {
		return fmt.Sprintf("getter or setter by name, under %d lines", b.namedAccessors)
	}
	if c.Anchor.Expression {
		return "one-expression function"
	}
	if body.statements <= 1 && !body.compound {
		return "one-statement function"
	}
	// A short body still does work worth a span when it awaits, or when it
	// branches or loops among several statements; a guard that raises on
	// bad input is no branch of work.
	branchy := body.branches && body.statements >= 3 && body.lines >= 5 && (body.loops || body.statements >= b.branchStatements)
	if body.lines < b.minLines && !(c.Async && body.awaits) && !branchy {
		return fmt.Sprintf("%d-line function, under the %d a span needs", body.lines, b.minLines)
	}
	return ""
}

// placeRule says why a loop or variable at place at gets no telemetry:
// inside a loop it would run on every iteration, and outside a function
// with a span its event lands on whatever span the caller has open.
func (b budget) placeRule(c *source.Construct, at place, worth []bool) string {
	if !b.quiet {
		return ""
	}
	switch {
	case at.inLoop || c.InLoop:
		return "inside a loop"
	case at.fn < 0:
		return "module level: no span of its own to carry the event"
	case !worth[at.fn]:
		return "its function gets no span"
	}
	return ""
}

// eventRule says why a loop or variable in a function of fnLines code
// lines gets no event: in a short function the span tells enough.
func (b budget) eventRule(at place, fnLines []int) string {
	if at.fn >= 0 && fnLines[at.fn] < b.minEventLines {
		return fmt.Sprintf("its function has %d code lines, under the %d events need", fnLines[at.fn], b.minEventLines)
	}
	return ""
}

// variableRule says why the budget records no event for variable c, given
// the variables already recorded in its function.
func (b budget) variableRule(f *source.File, c *source.Construct, seen []string) string {
	a := readAssignment(c.Code(f))
	switch {
	case !a.hasValue:
		return "declared without a value"
	case !b.quiet:
		return ""
	case a.update:
		return "updates a value in place"
	case b.callsOnly && !a.fromCall:
		return "not assigned from a call"
	case slices.ContainsFunc(c.Targets, func(t string) bool { return slices.Contains(seen, t) }):
		return "already recorded in this function"
	case b.maxVars > 0 && len(seen) >= b.maxVars:
		return fmt.Sprintf("its function records %d variables already", len(seen))
	}
	return ""
}

// place is where a construct sits: the index of the innermost function
// construct around it (-1 at module level) and whether a loop of that
// function, or of module level, encloses it.
type place struct {
	fn     int
	inLoop bool
}

// nest finds each construct's place from the constructs' ranges, so the
// rules work whether or not the language finder set Construct.InLoop.
// Functions and loops nest properly, so one sweep in source order with a
// stack of the open ones finds every construct's surroundings.
func nest(cs []source.Construct) []place {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if d := cs[a].Range.Start - cs[b].Range.Start; d != 0 {
			return d
		}
		return cs[b].Range.End - cs[a].Range.End
	})
	out := make([]place, len(cs))
	var open []int
	for _, i := range order {
		c := &cs[i]
		for len(open) > 0 && cs[open[len(open)-1]].Range.End <= c.Range.Start {
			open = open[:len(open)-1]
		}
		out[i] = place{fn: -1}
		for k := len(open) - 1; k >= 0; k-- {
			if cs[open[k]].Kind == source.Function {
				out[i].fn = open[k]
				break
			}
			out[i].inLoop = true
		}
		if c.Kind == source.Function || c.Kind == source.Loop {
			open = append(open, i)
		}
	}
	return out
}

// accessorName reports whether a function is named as a getter or setter:
// get, set, has, is alone, or followed by a capital or an underscore
// (getName, set_value, isReady, has_key).
func accessorName(name string) bool {
	for _, p := range []string{"get", "set", "has", "is"} {
		rest, ok := strings.CutPrefix(name, p)
		if ok && (rest == "" || rest[0] == '_' || (rest[0] >= 'A' && rest[0] <= 'Z')) {
			return true
		}
	}
	return false
}

package decide

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// The rules here keep the quietest density to the functions that do an
// operation's work. Measured on a request through an instrumented express,
// most spans came from dispatch plumbing rather than from work: closures a
// function defines to call itself back (next, trim_prefix), continuations,
// predicates asked once per candidate (Layer.match), functions called once
// per element of a loop, setters bound under a second name. None of it is
// known by a list of names: each rule reads the function's shape and how
// the file binds and calls it.

// continuationNames are what code calls a callback that carries on with
// the rest of an operation: a span for it is a span per step.
var continuationNames = []string{"next", "done", "cb", "callback", "resolve", "reject", "proceed"}

// iterationCallees take a callback they call once per element: JavaScript's
// array methods, read from the text. A language whose finder knows more
// says so in Construct.PerElement.
var iterationCallees = []string{"forEach", "map", "filter", "reduce", "some", "every", "find", "findIndex", "flatMap"}

// PerElement says why function c, passed to a function that calls it once
// per element or comparison, is not worth a span, or "": a span for it
// would be a span per comparison of a sort.
func PerElement(c *source.Construct) string {
	if c.PerElement == "" {
		return ""
	}
	return "passed to " + c.PerElement + ", which calls it once per element or comparison"
}

// getterDefiners are calls that install their callback as a property
// getter, which runs on every attribute read.
var getterDefiners = regexp.MustCompile(`(?i)^(define(Getter|Setter|Property|LazyProperty)|__define[GS]etter__)$`)

// moduleScopeFunctions is how many functions a function must define
// directly to count as a module's scope (lodash's runInContext, a UMD
// wrapper) rather than a function with helpers of its own.
const moduleScopeFunctions = 8

// plumbing holds, for one file, what the dispatch rules need: how each
// function is bound, which functions are module scopes, and where each
// name is called.
type plumbing struct {
	f      *source.File
	cs     []source.Construct
	at     []place
	bounds []bound
	module []bool // a function that is a module's scope
	calls  map[string][]int
	// assigned maps a name to the names it is assigned to (see aliases).
	assigned map[string][]string
	regions  []region
	kids     map[int][]int
}

// callName finds a name followed by "(": a call, or a definition's head.
var callName = regexp.MustCompile(`[\p{L}_$][\p{L}\p{N}_$]*\s*\(`)

func newPlumbing(f *source.File, cs []source.Construct, at []place) *plumbing {
	p := &plumbing{f: f, cs: cs, at: at, bounds: make([]bound, len(cs)), module: make([]bool, len(cs))}
	inner := make([]int, len(cs))
	for i := range cs {
		if cs[i].Kind != source.Function {
			continue
		}
		p.bounds[i] = boundOf(f, &cs[i])
		if at[i].fn >= 0 {
			inner[at[i].fn]++
		}
	}
	for i := range cs {
		p.module[i] = cs[i].Kind == source.Function && (p.bounds[i].how == bindInvoked || inner[i] >= moduleScopeFunctions)
	}
	return p
}

// callSites returns the offsets of every call of name in the file that
// reaches this file's function of that name (see ownCall), read once.
func (p *plumbing) callSites(name string) []int {
	if p.calls == nil {
		p.calls = map[string][]int{}
		for _, m := range callName.FindAllIndex(p.f.Src, -1) {
			if !ownCall(p.f.Src[:m[0]]) {
				continue
			}
			n := strings.TrimRight(string(p.f.Src[m[0]:m[1]-1]), " \t")
			p.calls[n] = append(p.calls[n], m[0])
		}
	}
	return p.calls[name]
}

// ownReceiver matches a method call's receiver that is the caller's own
// object: this.x(), self.x().
var ownReceiver = regexp.MustCompile(`(^|[^\p{L}\p{N}_$.])(this|self|that|cls)\s*\.\s*$`)

// ownCall reports whether a call whose name starts after before reaches a
// function of this file as far as the text tells: a bare call, or a method
// called on the caller's own object. fn.handle() may be any object's.
func ownCall(before []byte) bool {
	tail := before[max(0, len(before)-40):]
	t := strings.TrimRight(string(tail), " \t")
	if !strings.HasSuffix(t, ".") {
		return true
	}
	return ownReceiver.MatchString(t)
}

// innerHelper says why function i, defined inside another function, is a
// part of that function's work rather than work of its own, or "": a
// declared or assigned closure (next, trim_prefix, a decorator's wrapper)
// runs as a step of what its definer started. A function returned (a
// middleware a factory makes) or passed to a call (a route handler) is
// kept, and so is anything defined in a module's scope.
func (p *plumbing) innerHelper(i int) string {
	c, encl := &p.cs[i], p.at[i].fn
	if encl < 0 || p.module[encl] {
		return ""
	}
	if c.Registered {
		return ""
	}
	switch p.bounds[i].how {
	case bindDeclared, bindAssigned, bindProperty:
		return "inner function of " + p.cs[encl].Name + ": a step of its work"
	}
	return ""
}

// continuation says why function i is a continuation, or "".
func (p *plumbing) continuation(i int) string {
	c := &p.cs[i]
	if slices.Contains(continuationNames, c.Name) || slices.ContainsFunc(p.bounds[i].names, func(n string) bool { return slices.Contains(continuationNames, n) }) {
		return "continuation " + c.Name + ": called once per step of an operation"
	}
	return ""
}

// setterBinding says why function i runs as an accessor although its own
// name does not say so: it is bound under a getter or setter's name
// (res.set = res.header = function header) or installed as a getter.
func (p *plumbing) setterBinding(i int, body shape, b budget) string {
	bd := p.bounds[i]
	if bd.how == bindArgument && getterDefiners.MatchString(bd.callee) {
		return "installed as a property getter by " + bd.callee + ": runs on every attribute read"
	}
	if slices.ContainsFunc(bd.names, accessorName) && body.lines < b.namedAccessors {
		return fmt.Sprintf("bound as a getter or setter, under %d lines", b.namedAccessors)
	}
	return ""
}

// region is a stretch of the file whose code runs once per element or
// step: a loop's body, a forEach callback, a continuation.
type region struct {
	start, end int
	why        string
}

// iterationRegions returns the file's regions, merged where they overlap
// and sorted, so a call's place is found by binary search.
func (p *plumbing) iterationRegions() []region {
	if p.regions != nil {
		return p.regions
	}
	var rs []region
	for j := range p.cs {
		o := &p.cs[j]
		switch {
		case o.Kind == source.Loop:
			rs = append(rs, region{o.Range.Start, o.Range.End, fmt.Sprintf("called inside a loop (line %d): a span per iteration", o.Range.StartLine)})
		case o.Kind != source.Function:
		case o.PerElement != "" || p.bounds[j].how == bindArgument && slices.Contains(iterationCallees, p.bounds[j].callee):
			callee := cmp.Or(o.PerElement, p.bounds[j].callee)
			rs = append(rs, region{o.Range.Start, o.Range.End, fmt.Sprintf("called in a %s callback (line %d): a span per element", callee, o.Range.StartLine)})
		case p.continuation(j) != "":
			rs = append(rs, region{o.Range.Start, o.Range.End, fmt.Sprintf("called from continuation %s (line %d): a span per step", o.Name, o.Range.StartLine)})
		}
	}
	slices.SortFunc(rs, func(a, b region) int { return a.start - b.start })
	merged := []region{}
	for _, r := range rs {
		if n := len(merged); n > 0 && r.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, r.end)
			continue
		}
		merged = append(merged, r)
	}
	p.regions = merged
	return merged
}

// perIteration says why function i runs once per element of something,
// or "": a call of it in its own file lies inside a loop, inside a
// callback to forEach or map, or inside a continuation.
func (p *plumbing) perIteration(i int) string {
	c := &p.cs[i]
	if c.Name == "" || strings.ContainsAny(c.Name, "<>. ") || c.Unnamed {
		return ""
	}
	rs := p.iterationRegions()
	var sites []int
	for _, n := range p.aliases(c.Name) {
		sites = append(sites, p.callSites(n)...)
	}
	for _, off := range sites {
		if off >= c.Range.Start && off < c.Range.End {
			continue // its own head, or recursion
		}
		k, _ := slices.BinarySearchFunc(rs, off, func(r region, off int) int { return r.start - off })
		// rs[k-1] is the last region starting at or before off (rs[k]
		// when it starts exactly there).
		if k < len(rs) && rs[k].start == off {
			k++
		}
		if k > 0 && off < rs[k-1].end {
			return rs[k-1].why
		}
	}
	return ""
}

// aliasAssignment matches an assignment at a line's start: the name
// assigned and the value's text (json's "scanstring = c_scanstring or
// py_scanstring", "var parse = fastParse || slowParse;").
var aliasAssignment = regexp.MustCompile(`(?m)^[ \t]*(?:(?:var|let|const)[ \t]+)?([\p{L}_$][\p{L}\p{N}_$.]*)[ \t]*=[ \t]*([^=\n][^\n]*)$`)

// aliases returns name and the names the file assigns it to, directly or
// through another alias, where the value names the function itself rather
// than calling it: a call of an alias is a call of the function (a pure
// Python fallback called through the name its C twin would have had).
func (p *plumbing) aliases(name string) []string {
	names := []string{name}
	if p.assigned == nil {
		p.assigned = map[string][]string{}
		for _, m := range aliasAssignment.FindAllSubmatch(p.f.Src, -1) {
			target := lastName.FindString(string(m[1]))
			for _, v := range identPattern.FindAllStringIndex(string(m[2]), -1) {
				value := string(m[2])
				rest := strings.TrimLeft(value[v[1]:], " \t")
				if (v[0] > 0 && value[v[0]-1] == '.') || strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, ".") {
					continue // a call, an attribute, or a property's name
				}
				id := value[v[0]:v[1]]
				if target != "" && target != id {
					p.assigned[id] = append(p.assigned[id], target)
				}
			}
		}
	}
	for k := 0; k < len(names) && len(names) < 8; k++ {
		for _, a := range p.assigned[names[k]] {
			if !slices.Contains(names, a) {
				names = append(names, a)
			}
		}
	}
	return names
}

// factory says why function i only builds a function and returns it (a
// decorator, a middleware factory, restore's wrapper), or "": its span
// times the making of a closure, while the closure does the work later.
func (p *plumbing) factory(i int) string {
	var code string // read once, and only for a function with children
	for _, j := range p.children(i) {
		inner := &p.cs[j]
		if p.bounds[j].how == bindReturned {
			return "builds and returns function " + inner.Name + ", which does the work later"
		}
		if code == "" {
			code = p.cs[i].Code(p.f)
		}
		if returnsName(code, inner.Name) {
			return "builds and returns function " + inner.Name + ", which does the work later"
		}
	}
	return ""
}

// children returns the functions defined directly in function i.
func (p *plumbing) children(i int) []int {
	if p.kids == nil {
		p.kids = map[int][]int{}
		for j := range p.cs {
			if p.cs[j].Kind == source.Function && p.at[j].fn >= 0 {
				p.kids[p.at[j].fn] = append(p.kids[p.at[j].fn], j)
			}
		}
	}
	return p.kids[i]
}

// returnsName reports whether code returns the bare name.
func returnsName(code, name string) bool {
	if name == "" || strings.ContainsAny(name, "<>. ") {
		return false
	}
	for rest := code; ; {
		k := strings.Index(rest, "return "+name)
		if k < 0 {
			return false
		}
		rest = rest[k+len("return "+name):]
		if rest == "" || strings.ContainsAny(rest[:1], ";\n\r }") {
			return true
		}
	}
}

// returnPattern finds a return statement's value.
var returnPattern = regexp.MustCompile(`\breturn\b[ \t]*([^;\n]*)`)

// booleanValue matches what a predicate returns.
var booleanValue = regexp.MustCompile(`^(true|false|True|False|!.*|not .*|Boolean\(.*|.*(===|!==|==|!=|<=|>=| < | > | in | is |instanceof).*)$`)

// predicate says why function i only answers yes or no, or "": every
// return gives a boolean and one gives a literal, so it is asked once per
// candidate (does this layer match the path?) by a search elsewhere.
func (p *plumbing) predicate(i int) string {
	c := &p.cs[i]
	text := c.Code(p.f)
	ms := returnPattern.FindAllStringSubmatch(text, -1)
	if len(ms) < 2 || strings.Contains(text, "yield") {
		return ""
	}
	literal := false
	for _, m := range ms {
		v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[1]), ";"))
		if !booleanValue.MatchString(v) {
			return ""
		}
		literal = literal || v == "true" || v == "false" || v == "True" || v == "False"
	}
	if !literal {
		return ""
	}
	return "predicate: every return gives a boolean, asked once per candidate"
}

// reason says why function i gets no span at the quietest density, "" when
// it may have one.
func (p *plumbing) reason(i int, body shape, b budget) string {
	for _, r := range []func() string{
		func() string { return p.continuation(i) },
		func() string { return p.innerHelper(i) },
		func() string { return p.setterBinding(i, body, b) },
		func() string { return p.predicate(i) },
		func() string { return p.factory(i) },
		func() string { return p.perIteration(i) },
	} {
		if s := r(); s != "" {
			return s
		}
	}
	return ""
}

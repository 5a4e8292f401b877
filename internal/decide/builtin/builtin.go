// Package builtin is the deterministic offline planner: it decides about a
// construct from the construct alone, with the same Decision shape an LLM
// answers, so the rest of the pipeline has one path whoever decided. The
// same construct always gets the same decision, and every decision passes
// decide.Validate.
//
// What it decides:
//   - functions: the span is named after the qualified name
//     (pkg.mod.Class.method); up to three parameters become attributes,
//     preferring identifiers, names, counts, paths and the like, never
//     self/cls/this, variadic or underscore-prefixed parameters, sensitive
//     names, callbacks or bulk data; exceptions are recorded; with
//     attributes, RecordValue asks for their values (kept only with
//     --record-values).
//   - loops: the event is <QualName>.loop, then .loop2, .loop3... for the
//     second and later loops of the same function; iterations are counted.
//   - variables: the key is <QualName>.<variable>; the value would be
//     recorded (RecordValue) unless the name is sensitive, but only a run
//     that opted in keeps it: decide.Policy clears it otherwise, and the
//     event then carries the value's shape.
//
// It asks for everything worth having; how much of it a run keeps (the
// noise budget, --density) is decided for every planner alike by
// decide.Policy, which sees the whole file.
//
// What it skips, as not worth a span: Python protocol methods other than
// __init__, __new__, __call__ and the context-manager ones (__repr__,
// __eq__, __hash__, __len__, __getattr__... run implicitly and very often);
// JavaScript's toString, valueOf, toJSON and Symbol-keyed methods; arrow
// functions whose body is one expression of at most 80 bytes on one line
// (callbacks such as x => x.id); Go function literals passed to a
// standard function that calls them once per element or comparison
// (sort.Slice, slices.IndexFunc, sync.Map.Range...); and assignments to
// "_". It sees no source
// text, so it cannot tell a trivial property getter from a real method and
// leaves getters instrumented.
package builtin

import (
	"slices"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// MaxAttributes is the most parameters the planner records on a span.
const MaxAttributes = 3

// maxTrivialArrow is the longest one-line expression-bodied arrow function
// that is skipped as a trivial callback, in bytes.
const maxTrivialArrow = 80

// Decide returns the built-in decision about c.
func Decide(c *source.Construct) source.Decision {
	if c.Skip != "" {
		return source.Decision{Skip: true, Reason: c.Skip, Attributes: []string{}}
	}
	switch c.Kind {
	case source.Function:
		return function(c)
	case source.Loop:
		return loop(c)
	case source.Variable:
		return variable(c)
	}
	return source.Decision{Skip: true, Reason: "unknown construct kind " + strconv.Quote(string(c.Kind)), Attributes: []string{}}
}

func skip(reason string) source.Decision {
	return source.Decision{Skip: true, Reason: reason, Attributes: []string{}}
}

func function(c *source.Construct) source.Decision {
	if r := trivialFunction(c); r != "" {
		return skip(r)
	}
	attrs := chooseAttributes(c.Params)
	return source.Decision{
		Name:             decide.SanitizeName(c.QualName, c.Name),
		Attributes:       attrs,
		RecordExceptions: true,
		// Values instead of shapes, should the run opt in: decide.Policy
		// clears it otherwise.
		RecordValue: len(attrs) > 0,
	}
}

// trivialFunction says why a function is not worth a span, or "".
func trivialFunction(c *source.Construct) string {
	if c.Protocol != "" {
		return c.Protocol
	}
	if r := decide.PerElement(c); r != "" {
		return r
	}
	// Only a language with expression-bodied functions (JavaScript's
	// arrows) sets Anchor.Expression, so the rule names no language.
	if c.Anchor.Expression && c.Range.StartLine == c.Range.EndLine && c.Range.End-c.Range.Start <= maxTrivialArrow {
		return "one-line arrow function: a span costs more than it tells"
	}
	return ""
}

// chooseAttributes picks up to MaxAttributes parameters worth recording,
// the most telling first, returned in parameter order.
func chooseAttributes(params []string) []string {
	type cand struct {
		name  string
		score int
		pos   int
	}
	var cands []cand
	for i, p := range params {
		if s := score(p); s > 0 && !slices.ContainsFunc(cands, func(c cand) bool { return c.name == p }) {
			cands = append(cands, cand{p, s, i})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return b.score - a.score })
	if len(cands) > MaxAttributes {
		cands = cands[:MaxAttributes]
	}
	slices.SortFunc(cands, func(a, b cand) int { return a.pos - b.pos })
	out := []string{}
	for _, c := range cands {
		out = append(out, c.name)
	}
	return out
}

// score rates a parameter as a span attribute: 0 never, 1 acceptable,
// 2 preferred.
func score(p string) int {
	if p == "" || strings.HasPrefix(p, "_") || decide.SensitiveName(p) || !plainIdentifier(p) {
		return 0
	}
	switch p {
	case "self", "cls", "this", "mcs", "metacls", "args", "kwargs", "rest", "argv", "arguments", "options", "opts":
		return 0
	}
	best := 1
	for _, w := range words(p) {
		switch w {
		// Callables, bulk data and personal data: large, useless or risky
		// in a span.
		case "callback", "cb", "fn", "func", "function", "handler", "hook", "listener", "resolve", "reject",
			"data", "body", "payload", "content", "contents", "buf", "buffer", "bytes", "blob", "raw", "text", "html", "src", "source",
			"email", "phone", "address", "ip", "name_of_person":
			return 0
		case "id", "ids", "uid", "uuid", "name", "names", "count", "num", "number", "n", "size", "len", "length",
			"limit", "offset", "page", "index", "idx", "path", "file", "filename", "dir", "url", "uri", "host", "port",
			"method", "status", "code", "type", "kind", "mode", "level", "query", "table", "timeout", "retries",
			"attempt", "version", "lang", "format", "region", "topic", "queue", "channel", "op", "action", "event",
			"target", "dest", "model", "step", "batch", "depth", "max", "min", "start", "end":
			best = 2
		}
	}
	return best
}

// plainIdentifier reports whether p is an ASCII identifier, the only kind
// the planner records (an LLM may pick others; Validate accepts them).
func plainIdentifier(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return p != ""
}

// words splits an identifier into lowercase words at underscores and
// camelCase humps.
func words(p string) []string {
	var out []string
	start := 0
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '_' || p[i] == '$' || (p[i] >= 'A' && p[i] <= 'Z' && p[i-1] >= 'a' && p[i-1] <= 'z') {
			if w := strings.Trim(p[start:i], "_$"); w != "" {
				out = append(out, strings.ToLower(w))
			}
			start = i
		}
	}
	return out
}

// base is the name loops and variables hang off: the enclosing function's
// qualified name, or the module's name at module level.
func base(c *source.Construct) string {
	if c.QualName != "" {
		return c.QualName
	}
	mod := c.Path
	if i := strings.LastIndexByte(mod, '.'); i > strings.LastIndexByte(mod, '/') {
		mod = mod[:i]
	}
	mod = strings.ReplaceAll(mod, "/", ".")
	if mod == "" {
		return "module"
	}
	return mod
}

func loop(c *source.Construct) source.Decision {
	suffix := ".loop"
	if c.Ordinal > 0 {
		suffix += strconv.Itoa(c.Ordinal + 1)
	}
	return source.Decision{Name: withSuffix(base(c), suffix), CountIterations: true, Attributes: []string{}}
}

func variable(c *source.Construct) source.Decision {
	if strings.Trim(c.Name, "_") == "" {
		return skip("throwaway variable " + strconv.Quote(c.Name))
	}
	sensitive := decide.SensitiveName(c.Name) || slices.ContainsFunc(c.Targets, decide.SensitiveName)
	return source.Decision{
		Name:        withSuffix(base(c), "."+c.Name),
		RecordValue: !sensitive,
		Sensitive:   sensitive,
		Attributes:  []string{},
	}
}

// withSuffix sanitises prefix+suffix, keeping the suffix whole when the
// result must be shortened: a loop's ".loop2" or a variable's name tells
// events of one function apart.
func withSuffix(prefix, suffix string) string {
	suffix = decide.SanitizeName("x"+suffix, "")[1:]
	return decide.SanitizeName(prefix+suffix, suffix)
}

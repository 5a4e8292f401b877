package decide

import (
	"regexp"
	"slices"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// shape is what the density rules need to know about a function body,
// read from the source text: the planner has no syntax tree, and the rules
// must judge an LLM's decisions by the same measure as its own.
type shape struct {
	// lines counts the body's code lines: not blank, not only a comment,
	// not the docstring.
	lines int
	// statements counts the lines that start a statement at the body's
	// own indentation; continuation lines and nested blocks do not count.
	statements int
	// compound is set when one of those statements opens a block (if,
	// for, while, with, try, switch...): a one-statement loop is work.
	compound bool
	// branches is set when one of those blocks is more than a guard: a
	// guard (an if whose block only raises or throws) checks the input of
	// straight-line work and adds no path of work of its own, unless the
	// work changes state (see guardedWrite).
	branches bool
	// loops is set when one of them is a loop (for, while, do).
	loops bool
	// awaits is set when the body awaits something.
	awaits bool
	// accessor is set for a property getter or setter, which runs on
	// attribute reads (see source.Construct.Accessor).
	accessor bool
}

// compoundWords open a block, in Python or JavaScript.
var compoundWords = []string{"if", "for", "while", "with", "try", "switch", "do", "match", "async for", "async with"}

// loopWords are the compound words that open a loop.
var loopWords = []string{"for", "while", "do", "async for"}

// measure reads the shape of function c's body from f.
func measure(f *source.File, c *source.Construct) shape {
	s := shape{accessor: c.Accessor}
	start, end := c.Range.Start, c.Range.End
	if a := c.Anchor; a.BodyStart >= c.Range.Start && a.BodyStart <= c.Range.End {
		start = a.BodyStart
		if a.BodyEnd > a.BodyStart && a.BodyEnd <= c.Range.End {
			end = a.BodyEnd
		}
	}
	body := string(f.Src[start:end])
	base := -1
	// A first line that opens a triple-quoted string is documentation,
	// not work: no language but Python's (a docstring) starts a statement
	// so, and the rule needs to know no language.
	docstring := true
	closing := ""
	var g guard
	guarded, writes := false, false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if closing != "" {
			if strings.Contains(t, closing) {
				closing = ""
			}
			continue
		}
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") ||
			strings.HasPrefix(t, "*") {
			continue
		}
		if docstring {
			docstring = false
			if q := docQuote(t); q != "" {
				if !strings.Contains(t[strings.Index(t, q)+3:], q) {
					closing = q
				}
				continue
			}
		}
		s.lines++
		if strings.Contains(" "+t, " await ") || strings.HasPrefix(t, "await") {
			s.awaits = true
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if base < 0 {
			base = indent
		}
		if indent != base || strings.ContainsAny(t[:1], ")]}") || continuation(t) {
			if g.inner(indent > base, indent, t) {
				s.branches = true
			}
			continue
		}
		g = guard{}
		s.statements++
		writes = writes || stateWrite.MatchString(t)
		for _, w := range compoundWords {
			if strings.HasPrefix(t, w) && len(t) > len(w) && strings.ContainsAny(t[len(w):len(w)+1], " (:{") {
				s.compound = true
				s.loops = s.loops || slices.Contains(loopWords, w)
				if w != "if" || !g.open(t) {
					s.branches = true
				} else {
					guarded = true
				}
			}
		}
	}
	// A guard before a write to an object's state (check, then act: a
	// reservation, a withdrawal) decides whether the state changes: the
	// refusal is the operation's outcome, worth its span and its ERROR,
	// where a guard before pure computation only validates input.
	if guarded && writes {
		s.branches = true
	}
	return s
}

// stateWrite matches a statement that assigns to an attribute or an item
// (self.x = ..., this.items[k] -= ..., obj.count++), in Python or
// JavaScript: a write that outlives the call, unlike a local variable's.
var stateWrite = regexp.MustCompile(`^[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$#][\p{L}\p{N}_$]*|\[[^\]]*\])+\s*(?:(?:[-+*/%&|^]|\*\*|//|<<|>>|\?\?|\|\||&&)?=[^=]|\+\+|--)`)

// guard follows an if statement at a body's own indentation while it may
// still be a guard: its block holds only raise or throw statements.
type guard struct {
	// pending is set from an if that ends its line with a block's opener
	// until the block is over or shows it is no guard.
	pending bool
	// indent is the block's first line's indentation (-1: none seen yet).
	indent int
}

// raising matches a statement that raises or throws.
var raising = regexp.MustCompile(`^(raise|throw)\b`)

// open reads an if statement's line t, and reports whether it is a guard
// so far: "if x: raise E" and "if (x) throw e" on one line are, and so is
// an if whose line opens a block (decided by the lines that follow).
func (g *guard) open(t string) bool {
	*g = guard{}
	if strings.Contains(t, ": raise ") || strings.Contains(t, ") throw ") || strings.Contains(t, "{ throw ") {
		return true
	}
	if strings.HasSuffix(t, ":") || strings.HasSuffix(t, "{") {
		*g = guard{pending: true, indent: -1}
		return true
	}
	return false
}

// inner reads a line t that does not start a statement at the body's own
// indentation (deeper says whether it is indented past it), and reports
// whether it shows the pending if to be no guard: its block does more than
// raise, or an else follows it.
func (g *guard) inner(deeper bool, indent int, t string) bool {
	if !g.pending {
		return false
	}
	if !deeper {
		// A closing brace, or else, elif, catch and their kind.
		if strings.HasPrefix(t, "}") && !strings.Contains(t, "else") {
			return false
		}
		g.pending = false
		return true
	}
	if g.indent < 0 {
		g.indent = indent
	}
	if indent > g.indent || raising.MatchString(t) || strings.HasPrefix(t, "}") {
		return false // a raise's continuation lines, or its block's end
	}
	g.pending = false
	return true
}

// docQuote returns the triple quote a Python docstring line opens with, or
// "" when the line does not start with a triple-quoted string.
func docQuote(t string) string {
	t = strings.TrimLeft(t, "rRuUbB")
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(t, q) {
			return q
		}
	}
	return ""
}

// continuation reports whether a line at the body's indentation continues
// the statement before it rather than starting one.
func continuation(t string) bool {
	for _, w := range []string{"else", "elif ", "except", "finally", "catch", "case ", "default:", ".", "?", ":", "+", "&&", "||"} {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}

// assignment is what the density rules read from a variable construct.
type assignment struct {
	hasValue bool // not a bare declaration such as `var x;` or `let a, b;`
	update   bool // an augmented assignment: x += ..., x ??= ...
	fromCall bool // the value comes from a call (or await, or new)
}

// callPattern finds a call in an expression: a name, a closing bracket or
// parenthesis followed by an opening parenthesis.
var callPattern = regexp.MustCompile(`[\p{L}\p{N}_$\])]\s*\(`)

// functionValue matches a value that is a function, not data.
var functionValue = regexp.MustCompile(`^(lambda\b|function\b|async\b|class\b|(\([^()]*\)|[\p{L}_$][\p{L}\p{N}_$]*)\s*=>)`)

// readAssignment reads an assignment statement's text.
func readAssignment(text string) assignment {
	var a assignment
	for i := 0; i < len(text); i++ {
		if text[i] != '=' {
			continue
		}
		next := byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		prev := byte(' ')
		if i > 0 {
			prev = text[i-1]
		}
		if next == '=' || next == '>' || prev == '=' || prev == '!' {
			// ==, ===, =>, != are no assignment; skip the whole operator.
			for i+1 < len(text) && (text[i+1] == '=' || text[i+1] == '>') {
				i++
			}
			continue
		}
		if (prev == '<' || prev == '>') && (i < 2 || text[i-2] != prev) {
			continue // <=, >= but not <<=, >>=
		}
		a.hasValue = true
		a.update = strings.ContainsRune("+-*/%&|^@<>?", rune(prev))
		value := strings.TrimSpace(text[i+1:])
		rhs := strings.TrimPrefix(strings.TrimPrefix(value, "yield "), "await ")
		if !functionValue.MatchString(rhs) {
			a.fromCall = callPattern.MatchString(rhs) || strings.HasPrefix(rhs, "new ") || strings.HasPrefix(value, "await ")
		}
		break
	}
	return a
}

// identPattern finds identifiers, and words inside string literals.
var identPattern = regexp.MustCompile(`[\p{L}_$][\p{L}\p{N}_$]*`)

// genericSensitive are sensitive words too common as plain names (a dict's
// key, a tokenizer's token) to mark a value read through them as secret;
// a variable named with them is still sensitive.
func genericSensitive(w string) bool {
	switch strings.ToLower(w) {
	case "key", "keys", "token", "tokens", "session", "sessions", "sid", "pin", "card", "cards",
		"auth", "env", "private", "salt", "nonce", "pass", "pem", "cred", "creds", "otp", "pw":
		return true
	}
	return false
}

// sensitiveValue reports whether an assignment reads a secret, whatever
// the variable is called: a password prompt (getpass, hide_input, a
// "Password:" label), the process environment, anything read through a
// sensitive name (request.headers["Authorization"], cookies.get(...),
// os.getenv("DB_PASS")), or a destructuring that renames a sensitive
// property (const {password: p} = body).
func sensitiveValue(text string) bool {
	if strings.Contains(text, "process.env") || strings.Contains(text, "import.meta.env") || strings.Contains(text, "Deno.env") || strings.Contains(text, "Bun.env") {
		return true
	}
	for _, id := range identPattern.FindAllString(text, -1) {
		switch id {
		case "getpass", "hide_input", "environ", "getenv", "environb", "getenvb",
			// Go's os and syscall packages.
			"Getenv", "LookupEnv", "Environ", "ExpandEnv":
			return true
		}
		if !genericSensitive(id) && SensitiveName(id) {
			return true
		}
	}
	return false
}

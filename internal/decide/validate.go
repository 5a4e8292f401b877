// Package decide checks decisions before anything is rendered from them:
// Parse decodes an LLM's answer strictly, Validate enforces the rules every
// decision must meet whoever produced it (name pattern, identifiers in
// scope, sensitive data never recorded) and normalises it to its kind. The
// built-in planner lives in decide/builtin.
package decide

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// MaxAttributes is the most attributes a function decision keeps; extra
// ones are dropped, in the order given.
const MaxAttributes = 8

// MaxReasonLen bounds a skip reason, in bytes, so reports stay readable.
const MaxReasonLen = 200

// ErrInvalid is wrapped by every error Validate and Parse return, so a
// caller can tell a rejected answer (fall back to the built-in planner)
// from other failures.
var ErrInvalid = errors.New("invalid decision")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks d against the construct it is about and returns it
// normalised: fields that do not apply to the construct's kind are cleared
// (an LLM that fills count_iterations for a function is not wrong, just
// verbose), duplicate attributes are dropped and at most MaxAttributes
// kept, and a variable with a sensitive name is never recorded. Whether
// values may be recorded at all, and how dense telemetry may be, is decided
// afterwards for the whole file by Policy.Apply. Rules that
// protect the program or its data are errors instead, so a misbehaving
// answer is counted and falls back rather than being silently patched:
//   - a name that does not match source.NamePattern;
//   - an attribute that is not one of the function's parameters, or is
//     the receiver (self, cls, this);
//   - an attribute with a sensitive name (see SensitiveName).
//
// Attributes must be parameters, not any identifier in scope: the
// renderers read them when the function is entered, when a local does not
// exist yet (in JavaScript reading a let/const there throws).
func Validate(c *source.Construct, d source.Decision) (source.Decision, error) {
	if c == nil {
		return source.Decision{}, invalid("no construct")
	}
	if d.Skip {
		return source.Decision{Skip: true, Reason: cleanReason(d.Reason), Attributes: []string{}}, nil
	}
	if !source.ValidName(d.Name) {
		return source.Decision{}, invalid("name %q does not match %s", truncate(d.Name, 140), source.NamePattern)
	}
	out := source.Decision{Name: d.Name, Attributes: []string{}}
	switch c.Kind {
	case source.Function:
		attrs, err := validAttributes(c, d.Attributes)
		if err != nil {
			return source.Decision{}, err
		}
		out.Attributes = attrs
		out.RecordExceptions = d.RecordExceptions
		// Values instead of shapes only make sense with something to
		// record; whether the run allows values at all is the Policy's
		// call, not the answer's.
		out.RecordValue = d.RecordValue && len(attrs) > 0
	case source.Loop:
		out.CountIterations = d.CountIterations
	case source.Variable:
		out.Sensitive = d.Sensitive || variableSensitive(c)
		out.RecordValue = d.RecordValue && !out.Sensitive
	default:
		return source.Decision{}, invalid("unknown construct kind %q", c.Kind)
	}
	return out, nil
}

// variableSensitive reports whether a variable construct assigns a name
// that must never be recorded.
func variableSensitive(c *source.Construct) bool {
	if SensitiveName(c.Name) {
		return true
	}
	return slices.ContainsFunc(c.Targets, SensitiveName)
}

// validAttributes checks a function decision's attributes.
func validAttributes(c *source.Construct, attrs []string) ([]string, error) {
	out := []string{}
	for _, a := range attrs {
		if slices.Contains(out, a) {
			continue
		}
		if !slices.Contains(c.Params, a) {
			return nil, invalid("attribute %q is not a parameter of %s (parameters: %s)",
				truncate(a, 140), c.QualName, paramList(c.Params))
		}
		if a == "self" || a == "cls" || a == "this" {
			// Recording the receiver means calling its repr or walking the
			// object on every call, which the program could notice.
			return nil, invalid("attribute %q is the receiver, not a value worth recording", a)
		}
		if !identifier(a) {
			return nil, invalid("attribute %q is not a plain identifier", truncate(a, 140))
		}
		if SensitiveName(a) {
			return nil, invalid("attribute %q names sensitive data and must never be recorded", a)
		}
		if len(out) == MaxAttributes {
			break
		}
		out = append(out, a)
	}
	return out, nil
}

// identifier reports whether s is a plain Python/JS identifier. Params come
// from the parser, so this only guards against a construct built by hand
// with something the renderers could not write safely.
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r)):
		default:
			return false
		}
	}
	return true
}

func paramList(ps []string) string {
	if len(ps) == 0 {
		return "none"
	}
	return strings.Join(ps, ", ")
}

// cleanReason keeps a skip reason printable on one line of a report.
func cleanReason(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return truncate(strings.Join(strings.Fields(s), " "), MaxReasonLen)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

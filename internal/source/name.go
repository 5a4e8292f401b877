package source

// NamePattern is the pattern every span, event and key name matches: the
// security boundary between an answer (an LLM's, a planner's) and the code
// (docs/injected-code.md). A name that matches can be written into a
// string literal of any of our languages without escaping, can never close
// a comment, and can be found again by Strip. Decisions are validated
// against it, and every renderer checks it again before writing a name.
const NamePattern = `^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$`

// ValidName reports whether s matches NamePattern. It is a byte loop, not
// a regexp, so the check costs nothing in the renderers' hot path.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '.' || c == ':' || c == '-'):
		default:
			return false
		}
	}
	return true
}

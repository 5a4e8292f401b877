package models

// globMatch reports whether name matches pattern, where '*' stands for any
// run of characters (slashes included, unlike path.Match, because gateway
// model names such as "openai/gpt-4o" contain them) and '?' for exactly one.
// Both are compared as given; callers lower-case them first.
func globMatch(pattern, name string) bool {
	// Iterative matching with one backtrack point: linear for the patterns
	// a model table holds, and no recursion on hostile input.
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == name[n]):
			p++
			n++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case star >= 0:
			mark++
			p, n = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// literalLen counts a pattern's non-wildcard characters: the more of them a
// matching pattern has, the more specific it is.
func literalLen(pattern string) int {
	n := 0
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '*' && pattern[i] != '?' {
			n++
		}
	}
	return n
}

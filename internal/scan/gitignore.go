package scan

import (
	"fmt"
	"path"
	"strings"
)

// This file implements gitignore pattern semantics as the git documentation
// (gitignore(5), "PATTERN FORMAT") describes them, for one pattern list at a
// time. The walker stacks lists from nested .gitignore files and prunes
// ignored folders, which gives git's rule that nothing below an excluded
// folder can be re-included for free.

// rule is one compiled gitignore line.
type rule struct {
	text     string   // the line as written, for error messages
	negate   bool     // "!pattern": re-include what an earlier rule excluded
	dirOnly  bool     // "pattern/": matches folders only
	anchored bool     // the pattern has a slash before its end: match from the list's base
	segs     []string // the pattern split on "/", "**" segments kept as is
}

// Rules is an ordered list of gitignore rules that share a base folder (the
// folder holding the .gitignore file, or the scanned root for command-line
// globs). Within one list the last matching rule decides.
type Rules struct {
	rules []rule
}

// ParseRules compiles gitignore-syntax lines. Blank lines and comments are
// ignored; a pattern whose bracket expression is malformed is an error, so
// a typo in an --exclude flag is reported instead of silently matching
// nothing.
func ParseRules(lines []string) (*Rules, error) {
	rs := &Rules{}
	for _, line := range lines {
		r, ok := parseRule(line)
		if !ok {
			continue
		}
		for _, s := range r.segs {
			if s == "**" {
				continue
			}
			if _, err := path.Match(s, ""); err != nil {
				return nil, fmt.Errorf("pattern %q: %w", line, err)
			}
		}
		rs.rules = append(rs.rules, r)
	}
	return rs, nil
}

// parseGitignore compiles the content of a .gitignore file. Malformed
// patterns are dropped one by one rather than failing the file: git itself
// treats them as never matching, and a user's .gitignore is not ours to
// reject.
func parseGitignore(content string) *Rules {
	rs := &Rules{}
	for _, line := range strings.Split(content, "\n") {
		one, err := ParseRules([]string{line})
		if err == nil {
			rs.rules = append(rs.rules, one.rules...)
		}
	}
	return rs
}

// parseRule compiles one line; ok is false for blank lines and comments.
func parseRule(line string) (rule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimTrailingSpaces(line)
	if line == "" || line[0] == '#' {
		return rule{}, false
	}
	r := rule{text: line}
	if line[0] == '!' {
		r.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return rule{}, false
	}
	// A slash at the start or in the middle anchors the pattern to the
	// list's base folder; without one it matches at any depth.
	if strings.Contains(line, "/") {
		r.anchored = true
		line = strings.TrimPrefix(line, "/")
	}
	for _, s := range strings.Split(line, "/") {
		if s == "" {
			continue // "a//b" means "a/b"
		}
		r.segs = append(r.segs, bangClass(s))
	}
	if len(r.segs) == 0 {
		return rule{}, false
	}
	// A leading "**/" matches in every folder, which is what an unanchored
	// pattern does already.
	if r.anchored && len(r.segs) == 2 && r.segs[0] == "**" {
		r.anchored = false
		r.segs = r.segs[1:]
	}
	return r, true
}

// trimTrailingSpaces removes trailing spaces unless they are escaped with a
// backslash, as git does.
func trimTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") {
		if strings.HasSuffix(s, `\ `) {
			return s
		}
		s = s[:len(s)-1]
	}
	return s
}

// bangClass rewrites git's "[!...]" negated bracket expressions into the
// "[^...]" form path.Match understands; both forms are valid in git.
func bangClass(seg string) string {
	if !strings.Contains(seg, "[!") {
		return seg
	}
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '\\' && i+1 < len(seg) {
			b.WriteByte(c)
			b.WriteByte(seg[i+1])
			i++
			continue
		}
		b.WriteByte(c)
		if c == '[' && i+1 < len(seg) && seg[i+1] == '!' {
			b.WriteByte('^')
			i++
		}
	}
	return b.String()
}

// Match reports whether the rules decide on rel (a slash-separated path
// relative to the list's base folder) and, if so, whether they ignore it.
// decided is false when no rule matches, so an earlier list's verdict
// stands.
func (rs *Rules) Match(rel string, isDir bool) (ignored, decided bool) {
	if rs == nil {
		return false, false
	}
	parts := strings.Split(rel, "/")
	for i := len(rs.rules) - 1; i >= 0; i-- {
		r := &rs.rules[i]
		if r.matches(parts, isDir) {
			return !r.negate, true
		}
	}
	return false, false
}

// matches reports whether r matches the path given as segments.
func (r *rule) matches(parts []string, isDir bool) bool {
	if r.dirOnly && !isDir {
		return false
	}
	if !r.anchored {
		// No slash in the pattern: it is matched against the name alone,
		// at any depth.
		ok, _ := path.Match(r.segs[0], parts[len(parts)-1])
		return ok
	}
	return matchSegs(r.segs, parts)
}

// matchSegs matches pattern segments against path segments; a "**" segment
// matches zero or more whole path segments. A trailing "**" needs at least
// one segment: "abc/**" matches what is inside abc, not abc itself.
func matchSegs(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			if len(pat) == 1 {
				return len(parts) > 0
			}
			for k := 0; k <= len(parts); k++ {
				if matchSegs(pat[1:], parts[k:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0
}

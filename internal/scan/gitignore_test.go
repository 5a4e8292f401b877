package scan

import (
	"strings"
	"testing"
)

// The cases follow the examples of gitignore(5), "PATTERN FORMAT" and
// "EXAMPLES".
func TestRulesMatch(t *testing.T) {
	type check struct {
		path  string
		dir   bool
		want  bool // ignored
		match bool // some rule decided
	}
	tests := []struct {
		name   string
		lines  []string
		checks []check
	}{
		{"plain name matches at any depth", []string{"foo.py"}, []check{
			{"foo.py", false, true, true},
			{"a/b/foo.py", false, true, true},
			{"a/foo.py/x.py", false, false, false},
			{"foo.pyc", false, false, false},
		}},
		{"name matches folders too", []string{"gen"}, []check{
			{"gen", true, true, true},
			{"src/gen", true, true, true},
			{"gen", false, true, true},
		}},
		{"trailing slash matches folders only", []string{"out/"}, []check{
			{"out", true, true, true},
			{"a/out", true, true, true},
			{"out", false, false, false},
		}},
		{"leading slash anchors", []string{"/root.py"}, []check{
			{"root.py", false, true, true},
			{"sub/root.py", false, false, false},
		}},
		{"middle slash anchors", []string{"doc/frotz"}, []check{
			{"doc/frotz", true, true, true},
			{"a/doc/frotz", true, false, false},
		}},
		{"star does not cross slashes", []string{"/a/*.js"}, []check{
			{"a/x.js", false, true, true},
			{"a/b/x.js", false, false, false},
		}},
		{"question mark and classes", []string{"t?.py", "x[0-9].js", "y[!a].js"}, []check{
			{"t1.py", false, true, true},
			{"t12.py", false, false, false},
			{"x5.js", false, true, true},
			{"xa.js", false, false, false},
			{"yb.js", false, true, true},
			{"ya.js", false, false, false},
		}},
		{"leading double star", []string{"**/foo", "**/x/bar"}, []check{
			{"foo", false, true, true},
			{"a/b/foo", true, true, true},
			{"x/bar", false, true, true},
			{"q/x/bar", false, true, true},
			{"q/y/bar", false, false, false},
		}},
		{"trailing double star", []string{"abc/**"}, []check{
			{"abc", true, false, false},
			{"abc/x.py", false, true, true},
			{"abc/d/e.py", false, true, true},
			{"z/abc/x.py", false, false, false},
		}},
		{"middle double star", []string{"a/**/b"}, []check{
			{"a/b", true, true, true},
			{"a/x/b", true, true, true},
			{"a/x/y/b", false, true, true},
			{"a/x/c", false, false, false},
		}},
		{"negation re-includes, last rule wins", []string{"*.js", "!keep.js"}, []check{
			{"drop.js", false, true, true},
			{"keep.js", false, false, true},
			{"sub/keep.js", false, false, true},
		}},
		{"later exclusion beats earlier negation", []string{"!keep.js", "*.js"}, []check{
			{"keep.js", false, true, true},
		}},
		{"comments, blanks, escapes, trailing spaces", []string{"# note", "", `\#hash.py`, `\!bang.py`, "sp.py   ", `tail\ `}, []check{
			{"# note", false, false, false},
			{"#hash.py", false, true, true},
			{"!bang.py", false, true, true},
			{"sp.py", false, true, true},
			{"tail ", false, true, true},
		}},
		{"CRLF line endings", []string{"win.py\r"}, []check{
			{"win.py", false, true, true},
		}},
		{"consecutive stars inside a name act as one", []string{"a**z.py"}, []check{
			{"abcz.py", false, true, true},
			{"a/z.py", false, false, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRules(tt.lines)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.checks {
				got, decided := rs.Match(c.path, c.dir)
				if got != c.want || decided != c.match {
					t.Errorf("Match(%q, dir=%v) = (%v, %v), want (%v, %v)", c.path, c.dir, got, decided, c.want, c.match)
				}
			}
		})
	}
}

func TestParseRulesRejectsBadPattern(t *testing.T) {
	_, err := ParseRules([]string{"ok.py", "bad[.py"})
	if err == nil || !strings.Contains(err.Error(), "bad[.py") {
		t.Fatalf("want an error naming the bad pattern, got %v", err)
	}
	// In a .gitignore file the bad line is dropped and the rest still works.
	rs := parseGitignore("bad[.py\nok.py\n")
	if ig, _ := rs.Match("ok.py", false); !ig {
		t.Error("ok.py should be ignored")
	}
}

// FuzzRules checks that no pattern or path makes the matcher panic, and
// that a pattern and its negation always disagree.
func FuzzRules(f *testing.F) {
	for _, s := range []string{"*.py", "/a/**/b/", "!x", `\#y`, "[!a-z]?", "**", "a/**", "[", `\`} {
		f.Add(s, "a/b/c.py", true)
	}
	f.Fuzz(func(t *testing.T, pattern, p string, isDir bool) {
		if strings.ContainsAny(pattern, "\n") || strings.HasPrefix(pattern, "!") {
			return
		}
		pos, err := ParseRules([]string{pattern})
		if err != nil || len(pos.rules) == 0 { // malformed, blank or a comment
			return
		}
		neg, err := ParseRules([]string{"!" + pattern})
		if err != nil {
			t.Fatalf("negation of a valid pattern %q fails: %v", pattern, err)
		}
		ig, ok := pos.Match(p, isDir)
		nig, nok := neg.Match(p, isDir)
		if ok != nok || (ok && ig == nig) {
			t.Fatalf("pattern %q on %q: (%v,%v) vs negated (%v,%v)", pattern, p, ig, ok, nig, nok)
		}
	})
}

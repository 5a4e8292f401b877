package source

import (
	"regexp"
	"strings"
	"testing"
)

// ValidName must say exactly what NamePattern says, which decide quotes
// in its errors and docs/injected-code.md documents.
func TestValidNameIsNamePattern(t *testing.T) {
	re := regexp.MustCompile(NamePattern)
	cases := []string{"", "a", "_", "A9", "9a", "-a", ".a", "a.b:c-d_e", "a b", "a\"", "a*/", "a\n", "é", "aé",
		"a'", "a`", "a$", "a\\", strings.Repeat("a", 127), strings.Repeat("a", 128), strings.Repeat("a", 129)}
	for _, s := range cases {
		if got, want := ValidName(s), re.MatchString(s); got != want {
			t.Errorf("ValidName(%q) = %v, NamePattern says %v", s, got, want)
		}
	}
}

func FuzzValidName(f *testing.F) {
	re := regexp.MustCompile(NamePattern)
	for _, s := range []string{"a", "a.b", "9", "a\x00", "a*/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ValidName(s), re.MatchString(s); got != want {
			t.Errorf("ValidName(%q) = %v, NamePattern says %v", s, got, want)
		}
	})
}

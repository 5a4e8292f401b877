package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestStripAfterBlack: black puts the import appended to a line on a line
// of its own and rewraps it into parentheses over several lines, the with headers and the long calls over several
// lines, and puts inline ticks on lines of their own. Removal recognises
// all of it by syntax and gives back the original, which black leaves as
// it is, byte for byte. Skipped where black is not installed (CI installs
// it).
func TestStripAfterBlack(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black is not on PATH")
	}
	l := newTestLanguage(t, Options{})
	src, err := os.ReadFile("testdata/black/formatted.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, spec, src string
		// exact: the original is as black leaves it, so removal gives it
		// back byte for byte. Else black changed the original's own lines
		// too (here it splits a one-line loop, and puts two blank lines
		// after the import, which stay): removal must still take out every
		// injected piece, and black over the result must give what black
		// over the original gives.
		exact bool
	}{
		{"formatted", "pkg/m.py", "._telemetry_utils", string(src), true},
		// The one-line import beside the runtime, which black wraps too.
		{"formatted beside the runtime", "m.py", "_telemetry_utils", string(src), true},
		{"one-line loop", "pkg/m.py", "._telemetry_utils", "def f(items):\n    s = 0\n    for x in items: s += x\n    return s\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := instrument(l, tc.path, []byte(tc.src), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			p, orig := filepath.Join(dir, "m.py"), filepath.Join(dir, "orig.py")
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(orig, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.CommandContext(t.Context(), black, "-q", p, orig).CombinedOutput(); err != nil {
				t.Fatalf("black: %v\n%s", err, b)
			}
			formatted, _ := os.ReadFile(p)
			want, _ := os.ReadFile(orig)
			if string(formatted) == string(out) {
				t.Fatal("black changed nothing: the test shows nothing")
			}
			back, n, err := l.Strip(formatted)
			if err != nil {
				t.Fatalf("Strip after black: %v\n%s", err, formatted)
			}
			if !tc.exact {
				if err := os.WriteFile(p, back, 0o644); err != nil {
					t.Fatal(err)
				}
				if b, err := exec.CommandContext(t.Context(), black, "-q", p).CombinedOutput(); err != nil {
					t.Fatalf("black over the removal's result: %v\n%s", err, b)
				}
				back, _ = os.ReadFile(p)
			}
			if string(back) != string(want) {
				t.Errorf("Strip after black (%d pieces) does not give back black's original:\n%s\nblack output:\n%s", n, diff(string(want), string(back)), formatted)
			}
		})
	}
}

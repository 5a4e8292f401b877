package patch

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cases are the edges a diff library gets wrong, each as a file before and
// after (nil: absent).
var cases = []struct {
	name          string
	before, after []byte
}{
	{"append after a final line ending", []byte("def f(x):\n    y=x\n    return y\n"), []byte("import t\ndef f(x):\n    y=x\n    t.v(y)\n    return y\n")},
	{"append to a last line without ending", []byte("a\nb\nc"), []byte("a\nb\nc\nd")},
	{"end a last line", []byte("a\nb"), []byte("a\nb\n")},
	{"unend a last line", []byte("a\nb\n"), []byte("a\nb")},
	{"insert in the middle of a long file", []byte(strings.Repeat("x = 1\n", 40) + "def g():\n    pass\n" + strings.Repeat("y = 2\n", 40)), []byte(strings.Repeat("x = 1\n", 40) + "def g():\n    t()\n    pass\n" + strings.Repeat("y = 2\n", 40))},
	{"two hunks", []byte(strings.Repeat("a\n", 20) + "b\n" + strings.Repeat("a\n", 20) + "c\n"), []byte("head\n" + strings.Repeat("a\n", 20) + "b\n" + strings.Repeat("a\n", 20) + "c\ntail")},
	{"crlf", []byte("a\r\nb\r\n"), []byte("a\r\nnew\r\nb\r\n")},
	{"new file", nil, []byte("one\ntwo\n")},
	{"new file without final line ending", nil, []byte("one\ntwo")},
	{"new empty file", nil, []byte{}},
	{"deleted file", []byte("one\ntwo\n"), nil},
	{"empty to content", []byte{}, []byte("x\n")},
}

// TestApplies checks every diff with the tools users apply patches with:
// the result must be the after file byte for byte.
func TestApplies(t *testing.T) {
	tools := map[string][]string{"git": {"git", "apply", "--whitespace=nowarn"}, "patch": {"patch", "-p1", "--quiet", "--batch"}}
	for tool, argv := range tools {
		if _, err := exec.LookPath(argv[0]); err != nil {
			t.Logf("%s is not on PATH; not checked with it", tool)
			continue
		}
		for _, tc := range cases {
			t.Run(tool+"/"+tc.name, func(t *testing.T) {
				if tool == "patch" && (tc.before == nil || tc.after == nil) && len(tc.before)+len(tc.after) == 0 {
					t.Skip("patch cannot create or delete an empty file from a diff without hunks; git can")
				}
				dir := t.TempDir()
				name := "pkg/m.py"
				file := filepath.Join(dir, filepath.FromSlash(name))
				if tc.before != nil {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, tc.before, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				var diff bytes.Buffer
				if err := Write(&diff, name, tc.before, tc.after); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(argv[0], argv[1:]...)
				cmd.Dir, cmd.Stdin = dir, bytes.NewReader(diff.Bytes())
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s rejected the diff: %v\n%s\ndiff:\n%s", tool, err, out, diff.String())
				}
				got, err := os.ReadFile(file)
				if tc.after == nil {
					if err == nil {
						t.Fatalf("%s left the deleted file in place", tool)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tc.after) {
					t.Fatalf("%s produced\n%q\nwant\n%q\ndiff:\n%s", tool, got, tc.after, diff.String())
				}
			})
		}
	}
}

func TestHunkHeaderCountsOnlyRealLines(t *testing.T) {
	var diff bytes.Buffer
	if err := Write(&diff, "m.py", []byte("def f(x):\n    y=x\n    return y\n"), []byte("def f(x):\n    y=x\n    return y\nz = 1\n")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diff.String(), "@@ -1,3 +1,4 @@\n") {
		t.Fatalf("hunk header should count 3 and 4 lines:\n%s", diff.String())
	}
}

func TestEqualWritesNothing(t *testing.T) {
	var diff bytes.Buffer
	if err := Write(&diff, "m.py", []byte("a\n"), []byte("a\n")); err != nil || diff.Len() != 0 {
		t.Fatalf("got %q, %v; want nothing", diff.String(), err)
	}
}

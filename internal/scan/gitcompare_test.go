package scan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestMatchesRealGit compares Walk with git itself: in a fresh repository
// holding nested .gitignore files, the files Walk returns must be exactly
// the untracked, not-ignored files git lists.
func TestMatchesRealGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH")
	}
	dir := t.TempDir()
	files := map[string]string{
		".gitignore": strings.Join([]string{
			"# generated", "*.gen.py", "!keep.gen.py", "/root_only.js", "out/", "docs/**/draft_*.ts",
			"**/fixtures/*.js", "!**/fixtures/ok.js", "cache", "lib/**", "!lib/inner/", "a?c.py", "[xy]z.py",
			"trailing.py   ", "sub/*.tmp.js", "**/deep/**/x.py",
		}, "\n") + "\n",
		".git/info/exclude":       "local_only.py\n",
		"src/.gitignore":          "!*.gen.py\nprivate/\n/anchored.py\n",
		"src/pkg/.gitignore":      "*.py\n!main.py\n",
		"src/pkg/main.py":         "",
		"src/pkg/helper.py":       "",
		"src/pkg/sub/util.py":     "",
		"src/anchored.py":         "",
		"src/x/anchored.py":       "",
		"src/a.gen.py":            "",
		"src/private/p.py":        "",
		"a.gen.py":                "",
		"keep.gen.py":             "",
		"root_only.js":            "",
		"sub/root_only.js":        "",
		"out/o.py":                "",
		"sub/out/o.py":            "",
		"docs/draft_a.ts":         "",
		"docs/v1/draft_b.ts":      "",
		"docs/v1/final.ts":        "",
		"test/fixtures/f.js":      "",
		"test/fixtures/ok.js":     "",
		"fixtures/g.js":           "",
		"cache/c.py":              "",
		"src/cache.py":            "",
		"lib/l.py":                "",
		"lib/inner/i.py":          "",
		"abc.py":                  "",
		"abbc.py":                 "",
		"xz.py":                   "",
		"zz.py":                   "",
		"trailing.py":             "",
		"sub/t.tmp.js":            "",
		"sub/s/t.tmp.js":          "",
		"deep/x.py":               "",
		"q/deep/r/s/x.py":         "",
		"local_only.py":           "",
		"sub/local_only.py":       "",
		"plain.py":                "",
		"sub/dir with space/w.ts": "",
	}
	writeTree(t, dir, files)
	if out, err := exec.Command(gitBin, "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	// git init keeps an existing info/exclude; write it again to be sure.
	if err := os.WriteFile(filepath.Join(dir, ".git", "info", "exclude"), []byte("local_only.py\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ls := exec.Command(gitBin, "-C", dir, "ls-files", "--others", "--exclude-standard", "-z")
	// A user's global excludes file must not change the answer.
	ls.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "XDG_CONFIG_HOME="+dir)
	out, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var want []string
	for _, p := range strings.Split(string(out), "\x00") {
		if _, _, ok := testLanguages.of(p); ok && p != "" {
			want = append(want, p)
		}
	}
	sort.Strings(want)
	if len(want) < 10 || len(want) > len(files)-15 {
		t.Fatalf("git lists %d files: the tree no longer exercises the rules: %q", len(want), want)
	}
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res.Files); !reflect.DeepEqual(got, want) {
		t.Errorf("Walk and git disagree:\nwalk %q\ngit  %q", got, want)
	}
}

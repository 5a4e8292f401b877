package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInTreeFollowsEveryLinkOnTheWay(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "tree")
	for _, d := range []string{filepath.Join(root, "pkg"), filepath.Join(base, "outside")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{filepath.Join(base, "outside"), "out"}, {filepath.Join(root, "pkg"), "in"}, {filepath.Join(base, "outside", "f"), "pkg/file-link"}} {
		if err := os.Symlink(l[0], filepath.Join(root, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	for rel, want := range map[string]bool{
		"pkg/a.py":               true,
		"pkg/new/deeper/a.go":    true, // folders still to be made
		"in/a.py":                true, // a link that stays inside
		"out/a.py":               false,
		"out/new/a.go":           false,
		"pkg/file-link":          false,
		"../outside/f":           false,
		".":                      false,
		"pkg/../../outside/f.py": false,
	} {
		if got := InTree(root, filepath.Join(root, rel)); got != want {
			t.Errorf("InTree(%s) = %v, want %v", rel, got, want)
		}
	}
	// The same tree named through a link to it: a backup written by a run
	// given the link names the file by the link's path.
	alias := filepath.Join(base, "alias")
	if err := os.Symlink(root, alias); err != nil {
		t.Fatal(err)
	}
	if !InTree(root, filepath.Join(alias, "pkg", "a.py")) || !InTree(alias, filepath.Join(root, "pkg", "a.py")) {
		t.Error("a file named through a link to the tree counts as outside it")
	}
	if InTree(root, "relative/a.py") {
		t.Error("a relative path counts as inside")
	}
}

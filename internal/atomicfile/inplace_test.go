package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReplaceInPlaceKeepsHardLinksTogether(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "shared.py")
	other := filepath.Join(dir, "other-name.py")
	writeFile(t, name, "old\n", 0o640)
	if err := os.Link(name, other); err != nil {
		t.Fatal(err)
	}
	if err := Replace(name, []byte("old\n"), []byte("new, longer content\n"), ReplaceOptions{TempDir: dir, InPlaceLinks: true}); err != nil {
		t.Fatal(err)
	}
	var a, b syscall.Stat_t
	if err := syscall.Stat(name, &a); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Stat(other, &b); err != nil {
		t.Fatal(err)
	}
	if a.Ino != b.Ino || a.Nlink != 2 || a.Mode&0o777 != 0o640 {
		t.Fatalf("inodes %d %d, links %d, mode %o", a.Ino, b.Ino, a.Nlink, a.Mode&0o777)
	}
	if got, _ := os.ReadFile(other); string(got) != "new, longer content\n" {
		t.Fatalf("other name reads %q", got)
	}
	if err := Replace(name, []byte("new, longer content\n"), []byte("x\n"), ReplaceOptions{TempDir: dir, InPlaceLinks: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(other); string(got) != "x\n" {
		t.Fatalf("shrunk content reads %q", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".telemetry-inject-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestCleanPutsBackAHalfWrittenInPlaceFile plays a run killed in the
// middle of an in-place write: its backup is there, the file is torn.
func TestCleanPutsBackAHalfWrittenInPlaceFile(t *testing.T) {
	for _, c := range []struct{ name, onDisk, want string }{
		{"torn", "new con", "original\n"},
		{"finished", "new content\n", "new content\n"},
		{"not started", "original\n", "original\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "f.py")
			writeFile(t, target, c.onDisk, 0o644)
			bak, err := writeBackup(dir, target, []byte("original\n"), []byte("new content\n"))
			if err != nil {
				t.Fatal(err)
			}
			dead := filepath.Join(dir, fmt.Sprintf("%sp%d-1%s", tempPrefix, deadPID(t), bakSuffix))
			if err := os.Rename(bak, dead); err != nil {
				t.Fatal(err)
			}
			removed, err := Clean(dir, []string{dir})
			if err != nil || len(removed) != 1 {
				t.Fatalf("removed %v, %v", removed, err)
			}
			if got, _ := os.ReadFile(target); string(got) != c.want {
				t.Fatalf("file reads %q, want %q", got, c.want)
			}
			if left, _ := os.ReadDir(dir); len(left) != 1 || strings.HasPrefix(left[0].Name(), tempPrefix) {
				t.Fatalf("left %v", left)
			}
		})
	}
}

// TestCleanNeverWritesOutsideTheTree: a backup is a file in the user's
// tree, and a cloned repository can carry one it planted, naming any file
// the user can write (~/.bashrc). Clean must put nothing back outside the
// tree it runs on: not by an outside path, not through a folder of the
// tree linked out of it, not through a symbolic link in the tree.
func TestCleanNeverWritesOutsideTheTree(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{tree, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	victim := filepath.Join(outside, "victim")
	if err := os.Symlink(outside, filepath.Join(tree, "linked-folder")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(tree, "linked-file.py")); err != nil {
		t.Fatal(err)
	}
	for i, target := range []string{victim, filepath.Join(tree, "linked-folder", "victim"), filepath.Join(tree, "linked-file.py"), filepath.Join(tree, "..", "outside", "victim")} {
		writeFile(t, victim, "the user's own file\n", 0o644)
		planted := fmt.Sprintf("%s%s\n%s\n%s", bakMagic, target, strings.Repeat("0", 64), "attacker's content\n")
		bak := filepath.Join(tree, fmt.Sprintf("%sp%d-%d%s", tempPrefix, deadPID(t), i, bakSuffix))
		writeFile(t, bak, planted, 0o644)
		if _, err := Clean(tree, []string{tree}); err == nil || !strings.Contains(err.Error(), "not a file inside the tree") {
			t.Errorf("%s: Clean's error %v, want one saying the backup names no file of the tree", target, err)
		}
		if got, _ := os.ReadFile(victim); string(got) != "the user's own file\n" {
			t.Fatalf("%s: the file outside the tree now reads %q", target, got)
		}
		os.Remove(bak)
	}
}

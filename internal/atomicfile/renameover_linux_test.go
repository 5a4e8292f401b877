package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"
)

// TestReplaceNeverLosesAnAtomicSave: vim and VS Code save by writing a new
// file and renaming it over the old name. A save that lands after Replace
// opened the file (so the content it checks is still what was read) and
// before its own rename must win: the editor's file is at the name
// afterwards, and Replace reports the file as changed. inotify starts the
// save the moment Replace creates its temporary file, inside that window.
func TestReplaceNeverLosesAnAtomicSave(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "saved.py")
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		t.Skipf("no inotify: %v", err)
	}
	defer syscall.Close(fd)
	if _, err := syscall.InotifyAddWatch(fd, state, syscall.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	lost, changed := 0, 0
	const rounds = 20
	for i := 0; i < rounds; i++ {
		orig := fmt.Sprintf("round %d\n", i)
		writeFile(t, name, orig, 0o644)
		saved := make(chan string, 1)
		go func() {
			// Wait for Replace's temporary file, then save as an editor does.
			buf := make([]byte, 4096)
			for {
				n, err := syscall.Read(fd, buf)
				if err != nil {
					saved <- ""
					return
				}
				for off := 0; off+syscall.SizeofInotifyEvent <= n; {
					ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
					nameBytes := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
					off += syscall.SizeofInotifyEvent + int(ev.Len)
					if filepath.Ext(string(trimNUL(nameBytes))) != tempSuffix {
						continue
					}
					content := fmt.Sprintf("saved by the editor %d\n", i)
					swap := filepath.Join(dir, ".saved.py.swp")
					if err := os.WriteFile(swap, []byte(content), 0o644); err == nil && os.Rename(swap, name) == nil {
						saved <- content
					} else {
						saved <- ""
					}
					return
				}
			}
		}()
		err := Replace(name, []byte(orig), []byte(orig+"# ours\n"), ReplaceOptions{TempDir: state})
		want := <-saved
		have, _ := os.ReadFile(name)
		if want == "" {
			t.Fatal("the editor's save failed")
		}
		if string(have) != want {
			lost++
			t.Errorf("round %d: the editor's save was lost: Replace returned %v and the file holds %q", i, err, have)
		}
		if errors.Is(err, ErrChanged) {
			changed++
		}
	}
	t.Logf("atomic saves during Replace: %d, lost %d, reported changed %d", rounds, lost, changed)
	if left, _ := os.ReadDir(state); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// TestPutBackLeavesAnEditorsSave: when an edit reached the old inode during
// the swap, the original is put back, unless an editor has meanwhile saved
// a file of its own over the name: that save is newer than both.
func TestPutBackLeavesAnEditorsSave(t *testing.T) {
	dir := t.TempDir()
	name, keep, swap := filepath.Join(dir, "f.py"), filepath.Join(dir, "f.old"), filepath.Join(dir, "f.swp")
	writeFile(t, keep, "original plus an edit\n", 0o644)
	writeFile(t, name, "ours\n", 0o644)
	ours, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, swap, "the editor's save\n", 0o644)
	if err := os.Rename(swap, name); err != nil {
		t.Fatal(err)
	}
	if err := putBack(keep, name, ours); err != nil {
		t.Fatal(err)
	}
	if have, _ := os.ReadFile(name); string(have) != "the editor's save\n" {
		t.Errorf("the editor's save was replaced by %q", have)
	}
	// Still ours: the original (with the edit) goes back.
	writeFile(t, name, "ours\n", 0o644)
	ours, _ = os.Lstat(name)
	if err := putBack(keep, name, ours); err != nil {
		t.Fatal(err)
	}
	if have, _ := os.ReadFile(name); string(have) != "original plus an edit\n" {
		t.Errorf("the original was not put back: %q", have)
	}
}

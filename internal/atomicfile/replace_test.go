package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestReplaceKeepsOwnerGroupAndSpecialBits(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	name := filepath.Join(t.TempDir(), "tool.py")
	writeFile(t, name, "old\n", 0o640)
	if err := os.Chown(name, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, 0o640|fs.ModeSetuid|fs.ModeSetgid); err != nil { // chown cleared them
		t.Fatal(err)
	}
	if err := Replace(name, []byte("old\n"), []byte("new\n"), ReplaceOptions{}); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(name, &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != 1234 || st.Gid != 5678 || st.Mode&0o7777 != 0o6640 {
		t.Fatalf("uid %d gid %d mode %o, want 1234 5678 6640", st.Uid, st.Gid, st.Mode&0o7777)
	}
	if b, _ := os.ReadFile(name); string(b) != "new\n" {
		t.Fatalf("content %q", b)
	}
}

func TestReplaceRefusesWhatItMustNotWrite(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.py")
	writeFile(t, ro, "x\n", 0o444)
	linked := filepath.Join(dir, "linked.py")
	writeFile(t, linked, "x\n", 0o644)
	if err := os.Link(linked, filepath.Join(dir, "other-name.py")); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "edited.py")
	writeFile(t, edited, "x\nedit\n", 0o644)
	roDir := filepath.Join(dir, "vendored")
	if err := os.Mkdir(roDir, 0o755); err != nil {
		t.Fatal(err)
	}
	inRODir := filepath.Join(roDir, "m.py")
	writeFile(t, inRODir, "x\n", 0o644)
	if err := os.Chmod(roDir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(roDir, 0o755) })

	var hl *HardLinkError
	for _, c := range []struct {
		name string
		ok   func(error) bool
	}{
		{ro, func(err error) bool { return errors.Is(err, ErrReadOnly) }},
		{linked, func(err error) bool { return errors.As(err, &hl) && hl.Links == 2 }},
		{edited, func(err error) bool { return errors.Is(err, ErrChanged) }},
		{inRODir, func(err error) bool { return errors.Is(err, ErrReadOnlyFolder) }},
	} {
		err := Replace(c.name, []byte("x\n"), []byte("y\n"), ReplaceOptions{})
		if !c.ok(err) {
			t.Errorf("%s: got %v", filepath.Base(c.name), err)
		}
		if b, _ := os.ReadFile(c.name); string(b) == "y\n" {
			t.Errorf("%s was written", filepath.Base(c.name))
		}
	}
	if err := Replace(ro, []byte("x\n"), []byte("y\n"), ReplaceOptions{Force: true}); err != nil {
		t.Fatalf("forced: %v", err)
	}
	if info, _ := os.Stat(ro); info.Mode().Perm() != 0o444 {
		t.Fatalf("forced write changed the mode to %v", info.Mode())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".telemetry-inject-*")); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestReplaceNeverLosesAConcurrentAppend races Replace against a writer
// that appends a line every millisecond, as an editor saving does, and
// checks every appended line is in the final file.
func TestReplaceNeverLosesAConcurrentAppend(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "busy.py")
	writeFile(t, name, "start\n", 0o644)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	appended := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				appended = i
				return
			default:
			}
			f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(f, "edit %d\n", i)
			f.Close()
			time.Sleep(time.Millisecond)
		}
	}()
	written, changed := 0, 0
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		have, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		err = Replace(name, have, append(have, "# ours\n"...), ReplaceOptions{TempDir: state})
		switch {
		case err == nil:
			written++
		case errors.Is(err, ErrChanged), errors.Is(err, ErrInUse):
			changed++
		default:
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	final, _ := os.ReadFile(name)
	lost := 0
	for i := 0; i < appended; i++ {
		if !bytes.Contains(final, []byte(fmt.Sprintf("edit %d\n", i))) {
			lost++
		}
	}
	t.Logf("appends %d, replaces written %d, refused as changed %d, edits lost %d", appended, written, changed, lost)
	if lost > 0 || written == 0 {
		t.Fatalf("%d of %d edits lost (%d writes)", lost, appended, written)
	}
	if left, _ := os.ReadDir(state); len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestCleanRemovesOnlyDeadRunsFiles(t *testing.T) {
	dir := t.TempDir()
	dead := fmt.Sprintf(".telemetry-inject-p%d-1.tmp", deadPID(t))
	live := fmt.Sprintf(".telemetry-inject-p%d-2.tmp", os.Getpid())
	for _, n := range []string{dead, live, ".telemetry-inject-3.tmp", strings.Replace(dead, ".tmp", ".old", 1), "user.tmp"} {
		writeFile(t, filepath.Join(dir, n), "x", 0o644)
	}
	removed, err := Clean(dir, []string{dir, dir})
	if err != nil || len(removed) != 3 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 2 {
		t.Fatalf("left %v", left)
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return p.Pid
}

package lock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A helper process: when the test binary runs with LOCK_TEST_DIR set it
// takes the lock there, says so, and waits to be killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("LOCK_TEST_DIR"); dir != "" {
		if _, err := Acquire(dir); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdInChild starts a process that holds the lock in dir.
func holdInChild(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper: %q", line)
	}
	return cmd
}

func TestSecondRunIsToldWhoHoldsTheLock(t *testing.T) {
	dir := t.TempDir()
	child := holdInChild(t, dir)
	_, err := Acquire(dir)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.PID != child.Process.Pid || time.Since(busy.Started) > time.Minute {
		t.Fatalf("got %v, want busy with PID %d", err, child.Process.Pid)
	}
	if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("PID %d", child.Process.Pid)) || !strings.Contains(msg, "started") {
		t.Fatalf("message %q does not name the holder", msg)
	}
}

func TestKilledHolderLeavesTheLockFree(t *testing.T) {
	dir := t.TempDir()
	child := holdInChild(t, dir)
	if err := child.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = child.Wait()
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.HasPrefix(string(b), fmt.Sprint(child.Process.Pid)) {
		t.Fatalf("the dead holder's line %q should still be there", b)
	}
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if l.TakenOver == nil || l.TakenOver.PID != child.Process.Pid {
		t.Fatalf("taken over from %+v, want PID %d", l.TakenOver, child.Process.Pid)
	}
	b, _ = os.ReadFile(filepath.Join(dir, FileName))
	if !strings.HasPrefix(string(b), fmt.Sprint(os.Getpid())) {
		t.Fatalf("lock file names %q, want this process", b)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
		t.Fatalf("lock file left after release: %v", err)
	}
	l2, err := Acquire(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

func TestAncestorsSeesARunOnTheParentTree(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, ".state")
	sub := filepath.Join(root, "sub")
	for _, d := range []string{state, sub} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := Ancestors(sub, ".state"); err != nil {
		t.Fatalf("no run yet: %v", err)
	}
	child := holdInChild(t, state)
	var busy *BusyError
	if err := Ancestors(sub, ".state"); !errors.As(err, &busy) || busy.PID != child.Process.Pid {
		t.Fatalf("got %v", err)
	}
}

// TestLockNeverWritesThroughALink: the lock file is truncated and written,
// and a cloned repository can carry .telemetry-inject/lock as a link to
// any file of the user's (it emptied ~/.bashrc-like files before).
func TestLockNeverWritesThroughALink(t *testing.T) {
	base := t.TempDir()
	victim := filepath.Join(base, "victim")
	if err := os.WriteFile(victim, []byte("the user's own file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "state")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(dir)
	if err == nil {
		l.Release()
		t.Error("the lock was taken through a symbolic link")
	} else if !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("error %q does not say the lock file is a link", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "the user's own file\n" {
		t.Fatalf("the file the link points to now reads %q", b)
	}
}

// TestALinkedLockHoldsNobody: a subtree's state folder can come with the
// clone, its lock a link to a named pipe, whose open waits for a writer
// for ever. The check for runs on subtrees must not wait on it.
func TestALinkedLockHoldsNobody(t *testing.T) {
	base := t.TempDir()
	fifo := filepath.Join(base, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	state := filepath.Join(base, "sub", ".telemetry-inject")
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo, filepath.Join(state, FileName)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Descendants([]string{filepath.Join(base, "sub")}, ".telemetry-inject") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a linked lock counts as held: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("checking a subtree whose lock links to a pipe did not end")
	}
}

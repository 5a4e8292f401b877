// Package lock keeps to one run per tree at a time. The lock is an flock on
// .telemetry-inject/lock, which the kernel releases when its process dies
// however it dies, so a killed run never leaves the tree locked; the PID
// and start time written into the file name the holder in the message a
// second run prints. A killed run leaves the file with its PID, which only
// names a process that is gone: the next run takes the lock over.
package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FileName is the lock file's name inside the state folder.
const FileName = "lock"

// Lock is a held lock; Release it when the run ends.
type Lock struct {
	f    *os.File
	name string
	// TakenOver names the killed run whose stale lock this one took
	// over, or is nil.
	TakenOver *BusyError
}

// BusyError says another live run holds the lock.
type BusyError struct {
	Dir     string
	PID     int
	Started time.Time
}

func (e *BusyError) Error() string {
	who := "another telemetry-inject run"
	if e.PID > 0 {
		who += fmt.Sprintf(" (PID %d, started %s)", e.PID, e.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	return fmt.Sprintf("%s is working on this tree (lock %s); wait for it to finish, or stop it", who, filepath.Join(e.Dir, FileName))
}

// Acquire takes the lock in the state folder dir without waiting. It fails
// with a *BusyError when a live run holds it.
func Acquire(dir string) (*Lock, error) {
	name := filepath.Join(dir, FileName)
	for {
		// Never through a symbolic link: the lock file is truncated and
		// written, and a cloned repository may carry a link from it to
		// any file of the user's.
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("the lock file %s is a symbolic link, which telemetry-inject never writes through: delete it and run again", name)
		}
		if err != nil {
			return nil, fmt.Errorf("opening the lock file: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			defer f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				// The holder writes its line just after it takes the lock:
				// give it a moment, so the message can name it.
				e := holder(dir, f)
				for i := 0; i < 20 && e.PID == 0; i++ {
					time.Sleep(5 * time.Millisecond)
					e = holder(dir, f)
				}
				return nil, e
			}
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		// Release deletes the file before it unlocks; a lock taken on a
		// file already deleted (or replaced) locks nothing, so try again
		// on the file that is there now.
		if !samePath(f, name) {
			f.Close()
			continue
		}
		// A line left in the file is from a run that was killed (a run
		// that ends deletes the file): the kernel dropped its flock, and
		// ours replaces the line.
		l := &Lock{f: f, name: name}
		if prev := holder(dir, f); prev.PID > 0 {
			l.TakenOver = prev
		}
		line := fmt.Sprintf("%d %d\n", os.Getpid(), time.Now().Unix())
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(line), 0)
		}
		return l, nil
	}
}

// samePath reports whether f is the file now at name.
func samePath(f *os.File, name string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(name)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// holder reads who holds (or last held) the lock, for the message.
func holder(dir string, f *os.File) *BusyError {
	b := make([]byte, 64)
	n, _ := f.ReadAt(b, 0)
	e := &BusyError{Dir: dir}
	fields := strings.Fields(string(b[:n]))
	if len(fields) == 2 {
		pid, err1 := strconv.Atoi(fields[0])
		sec, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 == nil && err2 == nil {
			e.PID, e.Started = pid, time.Unix(sec, 0)
		}
	}
	return e
}

// Release drops the lock and deletes the file, while still holding it,
// so a finished run leaves nothing behind.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = os.Remove(l.name)
	err := l.f.Close() // closing the last descriptor drops the flock
	l.f = nil
	return err
}

// Ancestors returns the error of the first state folder above dir whose
// lock is held (a run on a parent tree, which covers this one), or nil.
func Ancestors(dir, stateName string) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if e := heldIn(filepath.Join(d, stateName)); e != nil {
			return e
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// Descendants returns the error of the first of dirs (folders inside this
// run's tree, its own root excluded) whose state folder's lock is held: a
// run on a subtree this run covers, started earlier. Called while holding
// this run's own lock, it closes the race with Ancestors: of two runs on
// nested trees started at once, at least one sees the other.
func Descendants(dirs []string, stateName string) error {
	for _, d := range dirs {
		if e := heldIn(filepath.Join(d, stateName)); e != nil {
			return e
		}
	}
	return nil
}

// heldIn returns who holds the lock in the state folder sd, or nil when no
// live run does.
func heldIn(sd string) *BusyError {
	// A run's lock is a regular file it made: a link (or a pipe one
	// points to, whose open would wait for a writer) holds nobody.
	f, err := os.OpenFile(filepath.Join(sd, FileName), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer f.Close() // drops the shared lock too
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
		return holder(sd, f)
	}
	return nil
}

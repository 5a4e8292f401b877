package atomicfile

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// swapIn puts tmp at name, but only over the inode the caller checked
// (orig). An editor that saves by renaming a new file over the name (vim,
// VS Code) may do so after that check: a plain rename would then delete its
// save. The kernel exchanges the two names atomically instead, so that tmp
// then names whatever was at name; if that is not orig, it is exchanged
// back and the result is ErrChanged. The editor's file is at name at every
// moment except between the two exchanges, and is never unlinked. Where
// the file system cannot exchange (EINVAL), the name is checked just
// before a plain rename, which leaves only that instant open.
func swapIn(tmp, name string, orig *syscall.Stat_t) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, name, unix.RENAME_EXCHANGE)
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) {
		return renameOverSame(tmp, name, orig)
	}
	if err != nil {
		return err
	}
	var was syscall.Stat_t
	if err := syscall.Lstat(tmp, &was); err == nil && was.Dev == orig.Dev && was.Ino == orig.Ino {
		return nil
	}
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, name, unix.RENAME_EXCHANGE); err != nil {
		return &strandedError{saved: tmp, err: err}
	}
	return ErrChanged
}

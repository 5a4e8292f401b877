package atomicfile

import (
	"os"
	"syscall"
)

// The kernel's fcntl lease commands and types.
const (
	fSetLease = 0x400
	fGetLease = 0x401
)

// lease is a read lease on the file being replaced: the kernel makes any
// other open of it for writing wait (up to fs.lease-break-time) and flags
// the lease as breaking. That closes the window a content check alone
// leaves: a writer that looked the path up before the rename but writes
// after it would otherwise write into the old, unlinked inode.
type lease struct {
	f    *os.File
	held bool
}

// takeLease takes a read lease on f. It fails with EAGAIN when another
// descriptor has the file open for writing now; a file system or a caller
// without leases (EINVAL, EACCES) is served without one.
func takeLease(f *os.File) (*lease, error) {
	_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), fSetLease, syscall.F_RDLCK)
	switch errno {
	case 0:
		return &lease{f: f, held: true}, nil
	case syscall.EAGAIN, syscall.EBUSY:
		return nil, errno
	}
	return &lease{f: f}, nil
}

// broken reports whether a writer has tried to open the file since the
// lease was taken.
func (l *lease) broken() bool {
	if !l.held {
		return false
	}
	typ, _, errno := syscall.Syscall(syscall.SYS_FCNTL, l.f.Fd(), fGetLease, 0)
	return errno != 0 || typ != syscall.F_RDLCK
}

// release lets a waiting writer go on.
func (l *lease) release() {
	if l.held {
		syscall.Syscall(syscall.SYS_FCNTL, l.f.Fd(), fSetLease, syscall.F_UNLCK)
		l.held = false
	}
}

package atomicfile

import (
	"fmt"
	"os"
	"syscall"
)

// renameOverSame renames tmp over name if name is still orig.
func renameOverSame(tmp, name string, orig *syscall.Stat_t) error {
	var cur syscall.Stat_t
	if err := syscall.Lstat(name, &cur); err != nil {
		return err
	}
	if cur.Dev != orig.Dev || cur.Ino != orig.Ino {
		return ErrChanged
	}
	return os.Rename(tmp, name)
}

// strandedError: the file an editor saved was moved aside by the exchange
// and could not be moved back; it is kept, and the message says where.
type strandedError struct {
	saved string
	err   error
}

func (e *strandedError) Error() string {
	return fmt.Sprintf("an editor saved the file while it was being replaced, and putting its save back failed: the saved content is at %s; move it back by hand (%v)", e.saved, e.err)
}

func (e *strandedError) Unwrap() error { return e.err }

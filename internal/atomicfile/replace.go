package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ErrChanged is returned when the file is no longer what the caller read:
// someone (an editor, a formatter) wrote it since. Nothing was written; the
// next run will read the new content.
var ErrChanged = errors.New("changed during the run, not written")

// ErrInUse is returned when another program has the file open for writing
// at the moment it would be replaced: its write would land in the old
// file. Nothing was written.
var ErrInUse = errors.New("open for writing by another program, not written")

// ErrReadOnly is returned for a file with no write permission bits, which
// Replace leaves alone unless forced: as root every file is writable, so the
// bits are the only sign of the owner's intent.
var ErrReadOnly = errors.New("read-only file, left alone (--force rewrites it)")

// ErrReadOnlyFolder is returned for a file in a folder with no write
// permission bits: a rename there creates and removes names in it, and as
// root the bits are, as for a file, the only sign of the owner's intent.
var ErrReadOnlyFolder = errors.New("in a read-only folder, left alone (--force rewrites it)")

// HardLinkError is returned for a file with more than one name: replacing
// it would give this name new content and leave the others with the old,
// silently splitting what the user linked together.
type HardLinkError struct{ Links uint64 }

func (e *HardLinkError) Error() string {
	return fmt.Sprintf("has %d hard links: replacing it would split them (the other names would keep the old content); left alone (--force rewrites it in place)", e.Links)
}

// ReplaceOptions tune Replace.
type ReplaceOptions struct {
	// TempDir holds the temporary files; it must be on the target's file
	// system for the rename to be atomic. Empty, or on another file system,
	// means beside the target.
	TempDir string
	// Force rewrites read-only files.
	Force bool
	// InPlaceLinks rewrites a file with several hard links in place, with
	// a backup, instead of refusing it.
	InPlaceLinks bool
}

// Replace writes data to name only if name still holds exactly expect,
// keeping its owner, group and mode (setuid, setgid and sticky bits
// included). The check is made on the very inode that is replaced, before
// and after the rename: an edit that lands in the old inode while the
// rename happens is caught, and the user's inode, edit included, is put
// back. The result is then ErrChanged. On Linux a read lease on the file
// also catches a writer that opened it before the rename but writes after.
func Replace(name string, expect, data []byte, o ReplaceOptions) error {
	if info, err := os.Lstat(name); err != nil {
		return err
	} else if info.Mode()&fs.ModeSymlink != 0 {
		// Renaming over it would replace the link with a regular file.
		return fmt.Errorf("is a symbolic link; rewrite the file it points to instead")
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := stat(f)
	if err != nil {
		return err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fmt.Errorf("not a regular file")
	}
	if st.Nlink > 1 && !o.InPlaceLinks {
		return &HardLinkError{Links: uint64(st.Nlink)}
	}
	if st.Mode&0o222 == 0 && !o.Force {
		return ErrReadOnly
	}
	if d, err := os.Stat(filepath.Dir(name)); err == nil && d.Mode().Perm()&0o222 == 0 && st.Nlink == 1 && !o.Force {
		return ErrReadOnlyFolder
	}
	l, err := takeLease(f)
	if err != nil {
		return ErrInUse
	}
	defer l.release()
	first, err := f.Stat()
	if err != nil {
		return err
	}
	if same, err := holds(f, expect); err != nil || !same {
		if err != nil {
			return err
		}
		return ErrChanged
	}

	if st.Nlink > 1 {
		l.release() // our own open for writing would break it
		return replaceInPlace(f, name, expect, data, o.TempDir)
	}

	tmp, keep, err := stage(name, data, st, tempDirFor(name, o.TempDir))
	if err != nil {
		return err
	}
	keepTmp := false
	defer func() {
		if !keepTmp {
			os.Remove(tmp) // after the swap, the pinned original's other name
		}
	}()
	keepPin := false
	defer func() {
		if !keepPin {
			os.Remove(keep)
		}
	}()

	// Size and modification time, immediately before the swap: cheaper
	// than the content, and together with the lease they catch a write
	// made while the new content was being written out.
	if now, err := f.Stat(); err != nil || now.Size() != first.Size() || !now.ModTime().Equal(first.ModTime()) || l.broken() {
		return ErrChanged
	}
	ours, err := os.Lstat(tmp)
	if err != nil {
		return err
	}
	if err := swapIn(tmp, name, st); err != nil {
		var stranded *strandedError
		keepTmp = errors.As(err, &stranded)
		return err
	}
	// A writer that opened the old inode before the rename is waiting on
	// the lease (or already wrote, which the content check sees): give it
	// its inode back before letting it go on.
	if same, err := holds(f, expect); err != nil || !same || l.broken() {
		if err := putBack(keep, name, ours); err != nil {
			keepPin = true // the only copy of the user's edit
			return fmt.Errorf("an edit arrived while writing and restoring it failed (the edited content is kept at %s): %w", keep, err)
		}
		l.release()
		return ErrChanged
	}
	syncDir(filepath.Dir(name))
	return nil
}

// stage writes the new content to a temporary file in dir and pins the
// original inode with a hard link beside it, so that if an edit lands in
// the original during the swap the rename can be undone with the user's
// inode (and whatever a writer still holding it writes later) intact. A
// dir on the same device but another mount (a bind mount) refuses links
// and renames across; the target's own folder is then used.
func stage(name string, data []byte, st *syscall.Stat_t, dir string) (tmp, keep string, err error) {
	tmp, err = writeTemp(dir, data, st)
	if err != nil {
		return "", "", err
	}
	keep = tmp[:len(tmp)-len(tempSuffix)] + keepSuffix
	err = os.Link(name, keep)
	if errors.Is(err, syscall.EXDEV) && dir != filepath.Dir(name) {
		os.Remove(tmp)
		return stage(name, data, st, filepath.Dir(name))
	}
	if errors.Is(err, syscall.EPERM) {
		os.Remove(tmp)
		return "", "", fmt.Errorf("not permitted to replace it (an immutable or append-only attribute? lsattr shows them): %w", syscall.EPERM)
	}
	if err != nil {
		os.Remove(tmp)
		return "", "", fmt.Errorf("pinning the original: %w", err)
	}
	return tmp, keep, nil
}

// putBack renames the pinned original over name, unless name is no longer
// our new file (ours): an editor saved over it in the meantime, and theirs
// wins.
func putBack(keep, name string, ours fs.FileInfo) error {
	cur, err := os.Lstat(name)
	if err != nil {
		return err
	}
	if !os.SameFile(cur, ours) {
		return nil
	}
	return os.Rename(keep, name)
}

// holds reports whether f's whole content, read from the start, is want.
func holds(f *os.File, want []byte) (bool, error) {
	have, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return false, err
	}
	return bytes.Equal(have, want), nil
}

func stat(f *os.File) (*syscall.Stat_t, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// writeTemp writes data to a new temporary file in dir with st's owner,
// group and mode (setuid and setgid included), synced to disk.
func writeTemp(dir string, data []byte, st *syscall.Stat_t) (string, error) {
	return writeTempFile(dir, data, modeOf(st), func(f *os.File) error {
		// chown before the chmod writeTempFile does: chown clears the setuid
		// and setgid bits, which the chmod then sets again.
		if err := f.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return fmt.Errorf("keeping the owner: %w", err)
		}
		return nil
	})
}

// modeOf turns a raw st_mode into the FileMode Chmod takes, special bits
// included.
func modeOf(st *syscall.Stat_t) fs.FileMode {
	m := fs.FileMode(st.Mode & 0o777)
	if st.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if st.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if st.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// tempDirFor is dir when it is on name's file system, else name's folder.
func tempDirFor(name, dir string) string {
	parent := filepath.Dir(name)
	if dir == "" {
		return parent
	}
	var a, b syscall.Stat_t
	if syscall.Stat(dir, &a) != nil || syscall.Stat(parent, &b) != nil || a.Dev != b.Dev {
		return parent
	}
	return dir
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

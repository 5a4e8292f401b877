package pipeline

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
	"github.com/telemetry-inject/telemetry-inject/internal/patch"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// diskFS answers layout's questions from the disk.
type diskFS struct{ root string }

func (d diskFS) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(rel)))
	return err == nil
}

func (d diskFS) PackageType(dir string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(dir), "package.json"))
	if err != nil {
		return "", false
	}
	return packageType(b), true
}

// ReadFile reads a file of the tree, for layout.FileReader.
func (d diskFS) ReadFile(rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.root, filepath.FromSlash(rel)))
}

// write replaces f's content with out, or prints the diff in a dry run.
// The file is written only if it still holds exactly what was read, with
// its owner, group and mode kept.
func (r *run) write(f *source.File, out []byte) error {
	if r.opts.DryRun {
		return r.diff(f.Path, f.Src, out)
	}
	return atomicfile.Replace(f.Abs, f.Src, out, atomicfile.ReplaceOptions{TempDir: r.opts.TempDir, Force: r.opts.Force, InPlaceLinks: r.opts.Force})
}

// settleWriteError reports a file write refused. A read-only file is a
// choice of the user's when instrumenting (skipped), but one that keeps
// injected code in place when removing (failed: the run is incomplete).
func (r *run) settleWriteError(fs *fileState, err error, removing bool) {
	var hl *atomicfile.HardLinkError
	switch {
	case errors.Is(err, atomicfile.ErrChanged):
		r.settle(fs, StatusChanged, "changed during the run, not written; run again to pick it up")
	case errors.Is(err, atomicfile.ErrInUse):
		r.settle(fs, StatusChanged, "open for writing by another program during the run, not written; run again to pick it up")
	case errors.Is(err, iofs.ErrNotExist):
		// Deleted (or moved away) since it was read: nothing to write.
		r.settle(fs, StatusChanged, "deleted or moved during the run, not written")
	case (errors.Is(err, atomicfile.ErrReadOnly) || errors.Is(err, atomicfile.ErrReadOnlyFolder)) && !removing:
		r.settle(fs, StatusSkipped, err.Error())
	case errors.Is(err, atomicfile.ErrReadOnly), errors.Is(err, atomicfile.ErrReadOnlyFolder), errors.As(err, &hl):
		r.settle(fs, StatusFailed, err.Error())
	case errors.Is(err, syscall.EACCES):
		// Not EPERM: that is an immutable or append-only attribute, which
		// the error already names.
		r.settle(fs, StatusFailed, fmt.Sprintf("writing %s: %v; the file and its folder must be writable by this user (run as their owner, or chmod u+w)", fs.cur.Path, err))
	default:
		r.settle(fs, StatusFailed, fmt.Sprintf("writing %s: %v", fs.cur.Path, err))
	}
}

// diff prints the patch of one file's change, in the form git apply and
// patch -p1 accept.
func (r *run) diff(name string, before, after []byte) error {
	if r.opts.Diff == nil {
		return nil
	}
	r.diffMu.Lock()
	defer r.diffMu.Unlock()
	return patch.Write(r.opts.Diff, name, before, after)
}

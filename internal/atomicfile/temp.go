package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Temporary files are named .telemetry-inject-p<PID>-<random>.tmp (new
// content), .old (a pin on the original inode while it is replaced) and
// .bak (the backup of a file rewritten in place). The
// PID says whether the run that made one is still alive; the extensions are
// no source language's, so the scanner never reads them.
const (
	tempPrefix = ".telemetry-inject-"
	tempSuffix = ".tmp"
	keepSuffix = ".old"
)

func tempPattern() string {
	return fmt.Sprintf("%sp%d-*%s", tempPrefix, os.Getpid(), tempSuffix)
}

// IsTemp reports whether a file name is one of our temporary files.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, tempPrefix) && (strings.HasSuffix(base, tempSuffix) || strings.HasSuffix(base, keepSuffix) || strings.HasSuffix(base, bakSuffix))
}

// Clean removes, from each folder, the temporary files left by runs that
// are no longer alive (killed, or crashed) and returns their paths. Files
// of a live run, this one included, are kept: a run on a neighbouring tree
// may be writing in a shared folder. root is the tree being run on: a
// backup is put back only over a file inside it.
func Clean(root string, dirs []string) ([]string, error) {
	var removed []string
	var errs []error
	seen := map[string]bool{}
	for _, dir := range dirs {
		if seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		for _, e := range entries {
			if !IsTemp(e.Name()) || !e.Type().IsRegular() || ownerAlive(e.Name()) {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if strings.HasSuffix(p, bakSuffix) {
				// The journal of an in-place write: the file it names may
				// be half written and is put back first.
				if err := recoverBackup(p, root); err != nil {
					errs = append(errs, err)
					continue
				}
				removed = append(removed, p)
				continue
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("removing the stale temporary file %s: %w", p, err))
				continue
			}
			removed = append(removed, p)
		}
	}
	return removed, errors.Join(errs...)
}

// ownerAlive reports whether the process named in a temporary file's name
// still runs. Names without a PID (written by versions before it was
// added) count as stale.
func ownerAlive(name string) bool {
	rest, ok := strings.CutPrefix(filepath.Base(name), tempPrefix+"p")
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

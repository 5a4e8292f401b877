// Package atomicfile replaces files whole: through a temporary file,
// synced, then renamed over the target. A crash, a kill or Ctrl-C leaves
// either the old content or the new, never half of either, and a temporary
// file a kill strands carries a name Clean recognises.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Write replaces name's content with data, giving the file mode. It is for
// the tool's own files; source files go through Replace.
func Write(name string, data []byte, mode fs.FileMode) error {
	tmp, err := writeNew(filepath.Dir(name), data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op once renamed
	return os.Rename(tmp, name)
}

// Create writes a new file name with data and mode, failing with an error
// that matches fs.ErrExist if a file of that name appeared meanwhile: the
// content is linked into place, which never overwrites. The temporary file
// goes to tempDir as in ReplaceOptions.
func Create(name string, data []byte, mode fs.FileMode, tempDir string) error {
	dir := tempDirFor(name, tempDir)
	tmp, err := writeNew(dir, data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, name)
	if errors.Is(err, syscall.EXDEV) && dir != filepath.Dir(name) {
		return Create(name, data, mode, "")
	}
	if err != nil {
		return err
	}
	syncDir(filepath.Dir(name))
	return nil
}

func writeNew(dir string, data []byte, mode fs.FileMode) (string, error) {
	return writeTempFile(dir, data, mode, nil)
}

// writeTempFile writes data to a new temporary file in dir, runs prepare on it
// (nil: nothing), gives it mode and syncs it to disk; the file is removed
// again on any failure.
func writeTempFile(dir string, data []byte, mode fs.FileMode, prepare func(*os.File) error) (string, error) {
	tmp, err := os.CreateTemp(dir, tempPattern())
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	fail := func(err error) (string, error) {
		tmp.Close()
		os.Remove(name)
		return "", err
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if prepare != nil {
		if err := prepare(tmp); err != nil {
			return fail(err)
		}
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(fmt.Errorf("setting the mode: %w", err))
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	return name, nil
}

// Package atomicfile replaces files whole: through a temporary file in the
// same folder, synced, then renamed over the target. A crash, a kill or
// Ctrl-C leaves either the old content or the new, never half of either.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces name's content with data, giving the file mode.
func Write(name string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".telemetry-inject-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

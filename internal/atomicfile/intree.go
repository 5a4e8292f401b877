package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// InTree reports whether name is a path that lies under root once every
// symbolic link on the way, in both, is followed (the same tree may be
// named through a linked folder one run and by its real path the next),
// and is not itself a link. Folders below the nearest existing one are taken as they will be
// made. The user's tree may come from anyone, and a folder in it that links
// out (a planted _telemetry_utils, a backup naming ~/.bashrc) must never
// get the tool to write elsewhere.
func InTree(root, name string) bool {
	under := func(root, p string) bool {
		rel, err := filepath.Rel(root, p)
		return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
	}
	if root == "" || !filepath.IsAbs(name) {
		return false
	}
	if info, err := os.Lstat(name); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return false
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	dir, rest := filepath.Dir(name), filepath.Base(name)
	for {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return under(realRoot, filepath.Join(real, rest))
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			return false
		}
		dir, rest = filepath.Dir(dir), filepath.Join(filepath.Base(dir), rest)
	}
}

package python

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// moduleOf returns the dotted name f is imported by, which span names
// start with (issue 11: click.utils.echo, not src.click.utils.echo). The
// package root is found on disk: the directories above the file that hold
// an __init__.py make up the package path, so src/pkg/mod.py is pkg.mod
// (src has no __init__.py) and a script outside any package is its file's
// stem. The answer only depends on the file's place in the tree, so IDs,
// which hash the QualName, stay the same from run to run. Without an
// absolute path (a file that never was on disk), the relative path is all
// there is: see ModuleName.
func moduleOf(f *source.File) string {
	if f.Abs == "" {
		return ModuleName(f.Path)
	}
	dir, base := filepath.Split(f.Abs)
	stem := strings.TrimSuffix(base, ".py")
	var parts []string
	if stem != "__init__" {
		parts = append(parts, stem)
	}
	for dir = filepath.Clean(dir); ; {
		if _, err := os.Stat(filepath.Join(dir, "__init__.py")); err != nil {
			break
		}
		parts = append(parts, filepath.Base(dir))
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if len(parts) == 0 {
		// An __init__.py whose directory is not a package either: name it
		// after its directory, as nothing imports it by any other name.
		return filepath.Base(filepath.Dir(f.Abs))
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// ModuleName returns the dotted module path of a file path relative to the
// scanned root, for a file whose place on disk is unknown: pkg/mod.py is
// pkg.mod, pkg/__init__.py is pkg, and a leading src/ (the src layout) is
// not part of the import path.
func ModuleName(path string) string {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "./"), "/")
	path = strings.TrimPrefix(path, "src/")
	path = strings.TrimSuffix(path, ".py")
	path = strings.TrimSuffix(path, "/__init__")
	if path == "__init__" {
		return ""
	}
	return strings.ReplaceAll(path, "/", ".")
}

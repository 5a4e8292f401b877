package scan

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// PackageJSON is what the nearest package.json says about module loading.
type PackageJSON struct {
	// Path is the package.json file's absolute path, "" when none was found.
	Path string
	// Type is its "type" field ("module", "commonjs" or "").
	Type string
}

// NearestPackageJSON finds the package.json that governs files in dir, the
// way Node.js looks up a file's package scope: the closest one in dir or
// its parents, stopping below a node_modules folder. It does not stop at
// the scanned root: a project scanned from its src/ folder still takes its
// "type" from the package.json above. A package.json that cannot be parsed
// counts as found with no type.
func NearestPackageJSON(dir string) (PackageJSON, error) {
	return newPkgCache().lookup(dir)
}

// pkgCache remembers package.json lookups per folder within one Walk, so a
// tree of thousands of files reads each package.json once.
type pkgCache struct {
	byDir map[string]PackageJSON
}

func newPkgCache() *pkgCache {
	return &pkgCache{byDir: map[string]PackageJSON{}}
}

// lookup returns the package.json governing dir, an absolute folder.
func (c *pkgCache) lookup(dir string) (PackageJSON, error) {
	var visited []string
	var found PackageJSON
	for d := dir; ; {
		if pj, ok := c.byDir[d]; ok {
			found = pj
			break
		}
		visited = append(visited, d)
		pj, ok, err := readPackageJSON(d)
		if err != nil {
			return PackageJSON{}, err
		}
		if ok {
			found = pj
			break
		}
		// Node stops the package scope lookup at a node_modules folder.
		if filepath.Base(d) == "node_modules" {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, d := range visited {
		c.byDir[d] = found
	}
	return found, nil
}

// readPackageJSON reads dir/package.json if it is there.
func readPackageJSON(dir string) (PackageJSON, bool, error) {
	p := filepath.Join(dir, "package.json")
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || isDirErr(p) {
			return PackageJSON{}, false, nil
		}
		return PackageJSON{}, false, err
	}
	var doc struct {
		Type any `json:"type"`
	}
	pj := PackageJSON{Path: p}
	if json.Unmarshal(b, &doc) == nil {
		if s, ok := doc.Type.(string); ok {
			pj.Type = s
		}
	}
	return pj, true, nil
}

// isDirErr reports whether p is a folder (a "package.json" folder is not a
// package.json file).
func isDirErr(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// moduleFor decides the module system of a file of language l: its
// extension first (JavaScript's .mjs is always ESM, .cjs always CommonJS),
// then, in a language whose packages say (PackageModule), the governing
// package.json's "type", and "" when no package.json exists at all.
func (c *pkgCache) moduleFor(abs string, l *Language) (source.Module, error) {
	if m, ok := l.ModuleExtensions[strings.ToLower(filepath.Ext(abs))]; ok {
		return m, nil
	}
	if !l.PackageModule {
		return source.ModuleNone, nil
	}
	pj, err := c.lookup(filepath.Dir(abs))
	if err != nil {
		return source.ModuleNone, err
	}
	switch {
	case pj.Path == "":
		return source.ModuleNone, nil
	case pj.Type == "module":
		return source.ModuleESM, nil
	default:
		return source.ModuleCommonJS, nil
	}
}

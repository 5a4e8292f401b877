// Package layout holds what the languages' runtime placements share: the
// Placement they return, the questions they may ask of the tree (FS), the
// path arithmetic of relative imports, and npm's rules for what a package
// publishes. Each language decides its own placement (lang.Language.Place),
// following how its ecosystem resolves imports.
package layout

import (
	"path"
	"strings"
)

// Placement says where one file's runtime lives and how the file imports it.
type Placement struct {
	// RuntimePath is the runtime file's path relative to the scanned root,
	// with forward slashes.
	RuntimePath string
	// Spec is the module specifier the file imports the runtime by.
	Spec string
	// Content is the runtime file's content, less the header line the
	// pipeline stamps on it. A string keeps Placement comparable.
	Content string
}

// FS answers the questions a placement asks of the project's tree; paths are
// relative to the scanned root, with forward slashes.
type FS interface {
	// Exists reports whether the file exists.
	Exists(rel string) bool
	// PackageType returns the "type" field of rel's package.json
	// ("module", "commonjs" or ""), and whether rel is a package.json.
	PackageType(dir string) (typ string, ok bool)
}

// FileReader is an FS that also reads files: a placement that depends on
// a configuration file's content (a tsconfig.json's allowJs) asks for it,
// and keeps its default where the FS cannot read.
type FileReader interface {
	// ReadFile returns the content of the file at rel.
	ReadFile(rel string) ([]byte, error)
}

// PackageRoot walks up from dir to the nearest folder with a package.json,
// stopping at the scanned root.
func PackageRoot(fs FS, dir string) string {
	for d := dir; ; d = path.Dir(d) {
		if _, ok := fs.PackageType(d); ok {
			return d
		}
		if d == "." || d == "/" {
			return "."
		}
	}
}

// CommonDir is the deepest folder that holds both a and b.
func CommonDir(a, b string) string {
	if a == "." || b == "." {
		return "."
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	var out []string
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i]; i++ {
		out = append(out, as[i])
	}
	if len(out) == 0 {
		return "."
	}
	return strings.Join(out, "/")
}

// RelSpec is the relative import specifier from folder dir to file target:
// always starting with "./" or "../", as ES modules and require need.
func RelSpec(dir, target string) string {
	from := splitDir(dir)
	to := strings.Split(target, "/")
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	var b strings.Builder
	if i == len(from) {
		b.WriteString("./")
	} else {
		b.WriteString(strings.Repeat("../", len(from)-i))
	}
	b.WriteString(strings.Join(to[i:], "/"))
	return b.String()
}

func splitDir(dir string) []string {
	if dir == "." || dir == "" {
		return nil
	}
	return strings.Split(dir, "/")
}

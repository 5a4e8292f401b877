// Package layout decides where the runtime files go and how each
// instrumented file imports them. The rules follow how each ecosystem
// resolves imports, and put one runtime file per package root, since
// programs and their tests often list a folder's files and must find nothing
// new there beyond that one file.
package layout

import (
	"path"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Runtime is the kind of runtime file a placement needs.
type Runtime int

// The runtime kinds.
const (
	PythonRuntime Runtime = iota
	CommonJSRuntime
	ESMRuntime
	TypeScriptRuntime
)

// Placement says where one file's runtime lives and how the file imports it.
type Placement struct {
	// RuntimePath is the runtime file's path relative to the scanned root,
	// with forward slashes.
	RuntimePath string
	// Runtime is the kind of runtime file at RuntimePath.
	Runtime Runtime
	// Spec is the module specifier the file imports the runtime by.
	Spec string
	// Content, when not empty, is the runtime file's content, for languages
	// whose runtime differs from folder to folder (Go: the package's name);
	// otherwise the content is the one of the Runtime kind. A string keeps
	// Placement comparable.
	Content string
}

// FS answers the questions layout asks of the project's tree; paths are
// relative to the scanned root, with forward slashes.
type FS interface {
	// Exists reports whether the file exists.
	Exists(rel string) bool
	// PackageType returns the "type" field of rel's package.json
	// ("module", "commonjs" or ""), and whether rel is a package.json.
	PackageType(dir string) (typ string, ok bool)
}

// Plan returns the placement of every file's runtime, keyed by File.Path.
// Files are those that will be instrumented; module is each JS/TS file's
// effective module system (ESM or CommonJS) as its language decided it.
func Plan(fs FS, files []*source.File, module func(*source.File) source.Module) map[string]Placement {
	out := make(map[string]Placement, len(files))
	tsDirs := typeScriptDirs(fs, files)
	for _, f := range files {
		switch f.Lang {
		case source.Python:
			out[f.Path] = placePython(fs, f.Path)
		case source.JavaScript:
			out[f.Path] = placeJavaScript(fs, f.Path, module(f))
		case source.TypeScript:
			dir := tsDirs[packageRoot(fs, path.Dir(f.Path))]
			rt := path.Join(dir, "_telemetry_utils.ts")
			out[f.Path] = Placement{RuntimePath: rt, Runtime: TypeScriptRuntime, Spec: relSpec(path.Dir(f.Path), path.Join(dir, "_telemetry_utils.js"))}
		}
	}
	return out
}

// placePython puts the runtime at the top of the package the file belongs
// to and imports it relatively, so it works however the package is
// installed or run (python -m, an editable install, a vendored copy). A
// module outside any package gets the runtime beside it, imported
// absolutely, which is what running it as a script puts on sys.path.
func placePython(fs FS, file string) Placement {
	dir := path.Dir(file)
	if !fs.Exists(path.Join(dir, "__init__.py")) {
		return Placement{RuntimePath: path.Join(dir, "_telemetry_utils.py"), Runtime: PythonRuntime, Spec: "_telemetry_utils"}
	}
	top, depth := dir, 0
	for top != "." {
		parent := path.Dir(top)
		if !fs.Exists(path.Join(parent, "__init__.py")) {
			break
		}
		top = parent
		depth++
	}
	return Placement{
		RuntimePath: path.Join(top, "_telemetry_utils.py"),
		Runtime:     PythonRuntime,
		Spec:        strings.Repeat(".", depth+1) + "_telemetry_utils",
	}
}

// placeJavaScript puts the runtime at the package root (the nearest folder
// with a package.json, else the scanned root). The file's extension follows
// the module system the importer needs, under the package's "type": Node
// cannot require() an ES module (before Node 22) and an ES module sees a
// CommonJS file's exports only as a default export.
func placeJavaScript(fs FS, file string, module source.Module) Placement {
	root := packageRoot(fs, path.Dir(file))
	typ, _ := fs.PackageType(root)
	ext := ".js"
	rt := CommonJSRuntime
	if module == source.ModuleESM {
		rt = ESMRuntime
		if typ != "module" {
			ext = ".mjs"
		}
	} else if typ == "module" {
		ext = ".cjs"
	}
	p := path.Join(root, "_telemetry_utils"+ext)
	return Placement{RuntimePath: p, Runtime: rt, Spec: relSpec(path.Dir(file), p)}
}

// typeScriptDirs picks, for each package root holding TypeScript files, the
// deepest folder that contains them all (usually src/). A compiler or
// bundler carries .ts files there into its output; a runtime beside the
// package.json would be outside rootDir and break the build.
func typeScriptDirs(fs FS, files []*source.File) map[string]string {
	dirs := map[string]string{}
	for _, f := range files {
		if f.Lang != source.TypeScript {
			continue
		}
		dir := path.Dir(f.Path)
		root := packageRoot(fs, dir)
		if cur, ok := dirs[root]; ok {
			dirs[root] = commonDir(cur, dir)
		} else {
			dirs[root] = dir
		}
	}
	return dirs
}

// packageRoot walks up from dir to the nearest folder with a package.json,
// stopping at the scanned root.
func packageRoot(fs FS, dir string) string {
	for d := dir; ; d = path.Dir(d) {
		if _, ok := fs.PackageType(d); ok {
			return d
		}
		if d == "." || d == "/" {
			return "."
		}
	}
}

func commonDir(a, b string) string {
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

// relSpec is the relative import specifier from folder dir to file target:
// always starting with "./" or "../", as ES modules and require need.
func relSpec(dir, target string) string {
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

package javascript

import (
	"path"
	"regexp"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// placeJavaScript puts the runtime at each file's package root (the
// nearest folder with a package.json, else the scanned root), or, where
// that root's tsconfig.json has tsc compile JavaScript (allowJs), in the
// deepest folder holding all the root's files, as for TypeScript: tsc
// takes the runtime into the program, and beside the package.json it
// would be outside rootDir (TS6059) or, with no rootDir, move every
// emitted file one folder down (out/src/a.js for out/a.js). The file's
// extension follows the module system the importer needs, under the
// package's "type": Node cannot require() an ES module (before Node 22) and
// an ES module sees a CommonJS file's exports only as a default export.
func placeJavaScript(commonJS, esm string) func(layout.FS, []*source.File, func(*source.File) source.Module) map[string]layout.Placement {
	return func(tree layout.FS, files []*source.File, module func(*source.File) source.Module) map[string]layout.Placement {
		dirs := sourceDirs(tree, files)
		out := make(map[string]layout.Placement, len(files))
		for _, f := range files {
			root := layout.PackageRoot(tree, path.Dir(f.Path))
			typ, _ := tree.PackageType(root)
			at := root
			if compilesJS(tree, root) {
				at = dirs[root]
			}
			ext, content := ".js", commonJS
			if module(f) == source.ModuleESM {
				content = esm
				if typ != "module" {
					ext = ".mjs"
				}
			} else if typ == "module" {
				ext = ".cjs"
			}
			p := path.Join(at, lang.RuntimeModule+ext)
			out[f.Path] = layout.Placement{RuntimePath: p, Spec: layout.RelSpec(path.Dir(f.Path), p), Content: content}
		}
		return out
	}
}

// sourceDirs maps each package root holding files to the deepest folder
// that contains all of them.
func sourceDirs(tree layout.FS, files []*source.File) map[string]string {
	dirs := map[string]string{}
	for _, f := range files {
		dir := path.Dir(f.Path)
		root := layout.PackageRoot(tree, dir)
		if cur, ok := dirs[root]; ok {
			dirs[root] = layout.CommonDir(cur, dir)
		} else {
			dirs[root] = dir
		}
	}
	return dirs
}

// placeTypeScript puts the runtime, for each package root holding
// TypeScript files, in the deepest folder that contains them all (usually
// src/): a compiler or bundler carries .ts files there into its output,
// and a runtime beside the package.json would be outside rootDir and break
// the build. Files import it by its compiled name, .js.
func placeTypeScript(content string) func(layout.FS, []*source.File, func(*source.File) source.Module) map[string]layout.Placement {
	return func(tree layout.FS, files []*source.File, _ func(*source.File) source.Module) map[string]layout.Placement {
		dirs := sourceDirs(tree, files)
		out := make(map[string]layout.Placement, len(files))
		for _, f := range files {
			dir := dirs[layout.PackageRoot(tree, path.Dir(f.Path))]
			out[f.Path] = layout.Placement{
				RuntimePath: path.Join(dir, lang.RuntimeModule+".ts"),
				Spec:        layout.RelSpec(path.Dir(f.Path), path.Join(dir, lang.RuntimeModule+".js")),
				Content:     content,
			}
		}
		return out
	}
}

// allowJS matches a tsconfig's allowJs option turned on.
var allowJS = regexp.MustCompile(`"allowJs"\s*:\s*true\b`)

// compilesJS reports whether the tsconfig.json at root (its own, not one
// it extends) turns allowJs on.
func compilesJS(tree layout.FS, root string) bool {
	r, ok := tree.(layout.FileReader)
	if !ok {
		return false
	}
	b, err := r.ReadFile(path.Join(root, "tsconfig.json"))
	return err == nil && allowJS.Match(b)
}

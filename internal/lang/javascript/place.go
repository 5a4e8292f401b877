package javascript

import (
	"path"
	"regexp"
	"strings"

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
// the build. Files import it by its compiled name, .js, except in a
// package that imports its TypeScript by the .ts name (importsByTSName).
func placeTypeScript(content string) func(layout.FS, []*source.File, func(*source.File) source.Module) map[string]layout.Placement {
	return func(tree layout.FS, files []*source.File, _ func(*source.File) source.Module) map[string]layout.Placement {
		dirs := sourceDirs(tree, files)
		byTSName := importsByTSName(tree, files)
		out := make(map[string]layout.Placement, len(files))
		for _, f := range files {
			root := layout.PackageRoot(tree, path.Dir(f.Path))
			dir := dirs[root]
			name := lang.RuntimeModule + ".js"
			if byTSName[root] {
				name = lang.RuntimeModule + ".ts"
			}
			out[f.Path] = layout.Placement{
				RuntimePath: path.Join(dir, lang.RuntimeModule+".ts"),
				Spec:        layout.RelSpec(path.Dir(f.Path), path.Join(dir, name)),
				Content:     content,
			}
		}
		return out
	}
}

// tsNameImport matches an import, export or dynamic import of a relative
// path that names a TypeScript file (from "./util.ts").
var tsNameImport = regexp.MustCompile(`(?:\bfrom|\bimport)\s*\(?\s*["'](\.\.?/[^"'\n]*\.[mc]?tsx?)["']`)

// tsNameOption matches the tsconfig options under which tsc accepts such
// an import.
var tsNameOption = regexp.MustCompile(`"(?:allowImportingTsExtensions|rewriteRelativeImportExtensions)"\s*:\s*true\b`)

// importsByTSName reports, for each package root holding files, whether
// the package imports its TypeScript by the .ts name: one of its files
// does, or its tsconfig.json lets tsc accept it. Node running TypeScript
// itself (type stripping, the default since Node 22.18 and 23.6), Deno
// and Bun load the file the specifier names, so "./_telemetry_utils.js"
// is not found there; tsc, bundlers and tsx accept the .ts name in such a
// project.
func importsByTSName(tree layout.FS, files []*source.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		root := layout.PackageRoot(tree, path.Dir(f.Path))
		if out[root] {
			continue
		}
		for _, m := range tsNameImport.FindAllSubmatch(f.Src, -1) {
			if !strings.HasSuffix(string(m[1]), ".d.ts") {
				out[root] = true
				break
			}
		}
	}
	if r, ok := tree.(layout.FileReader); ok {
		for _, f := range files {
			root := layout.PackageRoot(tree, path.Dir(f.Path))
			if _, seen := out[root]; seen {
				continue
			}
			b, err := r.ReadFile(path.Join(root, "tsconfig.json"))
			out[root] = err == nil && tsNameOption.Match(b)
		}
	}
	return out
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

package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// parsed returns every non-test file of the module that the build uses,
// parsed, by package: tools files (//go:build tools) only pin modules.
func parsed(t *testing.T) map[string][]*ast.File {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*ast.File{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if name == "testdata" || name == "node_modules" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // a module of its own (examples/shop-go), not ours
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src[:min(len(src), 200)]), "//go:build tools") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		out[pkg] = append(out[pkg], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dependsOn reports whether pkg imports dep, directly or through other
// packages of the module.
func dependsOn(graph map[string][]string, pkg, dep string) bool {
	seen := map[string]bool{}
	var visit func(p string) bool
	visit = func(p string) bool {
		if seen[p] {
			return false
		}
		seen[p] = true
		for _, imp := range graph[p] {
			d, ours := strings.CutPrefix(imp, module)
			if ours && (d == dep || visit(d)) {
				return true
			}
		}
		return false
	}
	return visit(pkg)
}

// TestDispatchAndPipelineDoNotImportEachOther: the decision contract
// between them lives in internal/decision, so the pipeline can be driven
// by any decider and the deciders know nothing of how files are written.
func TestDispatchAndPipelineDoNotImportEachOther(t *testing.T) {
	graph := imports(t)
	for _, pair := range [][2]string{{"internal/dispatch", "internal/pipeline"}, {"internal/pipeline", "internal/dispatch"}} {
		if dependsOn(graph, pair[0], pair[1]) {
			t.Errorf("%s imports %s: their contract belongs in internal/decision", pair[0], pair[1])
		}
	}
}

// TestEngineReadsNoHTTP: providers speak HTTP and turn what they read into
// engine.Feedback; the engine only schedules, so it must not parse headers
// or know status codes' wire form.
func TestEngineReadsNoHTTP(t *testing.T) {
	for _, imp := range imports(t)["internal/engine"] {
		if imp == "net/http" || strings.HasPrefix(imp, "net/http/") || imp == "net/textproto" || imp == "mime" {
			t.Errorf("internal/engine imports %s: HTTP parsing belongs in internal/llm", imp)
		}
	}
}

// speaksLanguages says whether a package may hold what a language knows:
// lang (the runtime's module name all languages share), the language
// packages, and utilfiles, which holds the runtimes' content.
func speaksLanguages(pkg string) bool {
	return pkg == "internal/lang" || strings.HasPrefix(pkg, "internal/lang/") || pkg == "internal/utilfiles" || strings.HasPrefix(pkg, "internal/utilfiles/")
}

// fileNameWords are what only the languages may spell: source file
// extensions and the runtime's name.
var fileNameWords = map[string]bool{
	".py": true, ".pyi": true, ".js": true, ".mjs": true, ".cjs": true, ".jsx": true,
	".ts": true, ".mts": true, ".cts": true, ".tsx": true, ".d.ts": true, ".go": true,
}

// TestOnlyLanguagesSpellFileNames: a source file extension or the runtime
// file's name written anywhere else is a second owner of what the
// lang.Language value says (Extensions, RuntimeNames, Place...), and
// adding a language would mean finding it.
func TestOnlyLanguagesSpellFileNames(t *testing.T) {
	files := parsed(t)
	for _, pkg := range slices.Sorted(maps.Keys(files)) {
		if speaksLanguages(pkg) {
			continue
		}
		for _, f := range files[pkg] {
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, err := strconv.Unquote(lit.Value)
				if err == nil && (fileNameWords[strings.ToLower(v)] || strings.Contains(v, "_telemetry_utils")) {
					t.Errorf("%s spells %q: only internal/lang/* may know file extensions and runtime names", pkg, v)
				}
				return true
			})
		}
	}
}

// languageNames are source's constants for the concrete languages.
var languageNames = map[string]bool{"Python": true, "JavaScript": true, "TypeScript": true, "Go": true}

// TestOnlyLanguagesAndTheListNameALanguage: outside the language packages,
// source (which defines the names) and the command line (which lists the
// languages), code that asks "is this Python?" is a rule that belongs in
// the Language value.
func TestOnlyLanguagesAndTheListNameALanguage(t *testing.T) {
	for pkg, fs := range parsed(t) {
		if speaksLanguages(pkg) || pkg == "internal/source" || pkg == "internal/cli" {
			continue
		}
		for _, f := range fs {
			local := ""
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == module+"internal/source" {
					local = "source"
					if imp.Name != nil {
						local = imp.Name.Name
					}
				}
			}
			if local == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == local && languageNames[sel.Sel.Name] {
					t.Errorf("%s names source.%s: per-language rules belong in the lang.Language value", pkg, sel.Sel.Name)
				}
				return true
			})
		}
	}
}

package golang

import (
	"bufio"
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// A file's runtime is one of two kinds. In a module whose go.mod lies in
// the scanned tree, it is the shared package _telemetry_utils at the
// module's root, which every instrumented file of the module imports: one
// state for all its packages, so spans nest across packages on a
// goroutine without a context passed. Elsewhere (no go.mod, or the
// module's root above the scanned folder, where --remove could not see
// every file that imports the package) it is a copy per package folder,
// which the package's files use without an import and whose spans nest
// within the package only.

// goModule is what placing, rendering and checking a file need to know of
// the module that holds it.
type goModule struct {
	// shared: the runtime is the module's shared package.
	shared bool
	// dir is the shared package's folder, relative to the scanned root,
	// and path its import path.
	dir, path string
	// otel: the module requires OpenTelemetry, and the runtime joins it.
	otel bool
}

// sharedName is the name instrumented files import the shared runtime
// package under: a name no Go code outside the tool's spells, which no
// package-level name of the program can clash with.
const sharedName = lang.RuntimeModule

// module returns f's goModule, found once per folder and scanned root.
func (l *language) module(f *source.File) goModule {
	if f.Abs == "" {
		return goModule{}
	}
	key := filepath.Dir(f.Abs) + "\x00" + path.Dir(f.Path)
	l.mu.Lock()
	m, ok := l.mods[key]
	l.mu.Unlock()
	if ok {
		return m
	}
	m = findModule(f)
	l.mu.Lock()
	l.mods[key] = m
	l.mu.Unlock()
	return m
}

// findModule looks for the go.mod of f's module from f's folder up to the
// scanned root, which f.Abs less f.Path gives.
func findModule(f *source.File) goModule {
	dir := filepath.Dir(f.Abs)
	m := goModule{otel: requiresOtel(dir)}
	rel := path.Dir(f.Path)
	if !strings.HasSuffix(filepath.ToSlash(f.Abs), "/"+f.Path) {
		return m // not under a root this can tell
	}
	for {
		if gomod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			mp := modulePath(gomod)
			if mp == "" {
				return m
			}
			m.shared = true
			m.dir = path.Join(rel, utilfiles.GoPackageDir)
			m.path = mp + "/" + utilfiles.GoPackageDir
			return m
		}
		if rel == "." || rel == "/" || rel == "" {
			return m
		}
		dir, rel = filepath.Dir(dir), path.Dir(rel)
	}
}

// modulePath returns the path a go.mod's module directive declares, or "".
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != "module" {
			continue
		}
		if p, err := strconv.Unquote(f[1]); err == nil {
			return p
		}
		return f[1]
	}
	return ""
}

// place puts the runtime where f's goModule says: the shared package, or
// a file in f's own folder under f's package name.
func (l *language) place(f *source.File) layout.Placement {
	m := l.module(f)
	if m.shared {
		return layout.Placement{
			RuntimePath: path.Join(m.dir, utilfiles.GoFileName),
			Spec:        m.path,
			Content:     string(runtimeFor(m, "")),
		}
	}
	pkg := packageName(f.Src)
	return layout.Placement{
		RuntimePath: path.Join(path.Dir(f.Path), utilfiles.GoFileName),
		Spec:        pkg,
		Content:     string(runtimeFor(m, pkg)),
	}
}

// importRuntime returns the import of the shared runtime package, spec,
// inserted on the package clause's line right after the package's name
// ("package shop/*@ti{*/; import _telemetry_utils "m/_telemetry_utils"/*}@ti*/"):
// no line moves. A per-package runtime needs no import.
func importRuntime(f *source.File, spec string) inject.Edit {
	if !strings.Contains(spec, "/") {
		return inject.Edit{}
	}
	file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Src, parser.PackageClauseOnly)
	if err != nil || file.Name == nil {
		return inject.Edit{} // the file does not parse: validation says so
	}
	at := int(file.Name.End()) - 1 // token.Pos counts from 1 in a one-file set
	return inject.Edit{At: at, New: markOpen + "; import " + sharedName + " " + strconv.Quote(spec) + markClose}
}

package golang

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// checker type-checks instrumented files as the compiler would, in
// process: the package's other files from disk, the output in the file's
// place and the runtime beside it, against the export data of the
// package's dependencies that `go list -export` builds once per folder
// (cached by the go command across runs). That is go build's front end
// (undefined and unused names, unused imports, types, the module's
// language version) at a few milliseconds a file, where running go vet or
// go build per file costs a second or more.
type checker struct {
	exe string

	mu   sync.Mutex
	pkgs map[string]*pkgInfo // by folder
}

// pkgInfo is what go list says about the package in one folder.
type pkgInfo struct {
	once    sync.Once
	err     error // the folder cannot be type-checked here: parse only
	path    string
	goVer   string
	files   []string // the Go files of the build, absolute
	exports map[string]string
	imports map[string]string // vendored import path mapping

	// rtPath is the import path of the shared runtime package, which is
	// checked from rtSrc (the files' import of it may be written before
	// the package is); "" for a per-package copy.
	rtPath string
	rtSrc  []byte

	mu       sync.Mutex // guards what typeCheck shares between checks
	fset     *token.FileSet
	importer types.Importer
	parsed   map[string]*ast.File
	rtPkg    *types.Package
}

// importerFunc is a types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// runtimePackage type-checks the shared runtime package from its source,
// once, with the export data of its imports.
func (p *pkgInfo) runtimePackage(deps types.Importer) (*types.Package, error) {
	if p.rtPkg != nil {
		return p.rtPkg, nil
	}
	f, err := parser.ParseFile(p.fset, filepath.Join(utilfiles.GoPackageDir, utilfiles.GoFileName), p.rtSrc, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	conf := types.Config{Importer: deps, GoVersion: p.goVer}
	pkg, err := conf.Check(p.rtPath, p.fset, []*ast.File{f}, nil)
	if err != nil {
		return nil, fmt.Errorf("the runtime package does not type-check: %w", err)
	}
	p.rtPkg = pkg
	return pkg, nil
}

func newChecker(exe string) *checker {
	if exe == "" {
		exe, _ = exec.LookPath("go")
	}
	if exe == "" {
		return nil
	}
	return &checker{exe: exe, pkgs: map[string]*pkgInfo{}}
}

// check type-checks out in f's place with the runtime rt: the shared
// package that out imports as rtPath, or with rtPath "" the package's own
// copy beside it. It fails only when the package as it stands type-checks
// clean: otherwise (a dependency missing from the module cache, a
// toolchain older than the module wants, a file this platform's build
// leaves out) the parse has the last word.
func (c *checker) check(ctx context.Context, abs string, out, rt []byte, rtPath string) error {
	dir := filepath.Dir(abs)
	c.mu.Lock()
	info, ok := c.pkgs[dir]
	if !ok {
		info = &pkgInfo{}
		c.pkgs[dir] = info
	}
	c.mu.Unlock()
	info.once.Do(func() {
		info.rtPath, info.rtSrc = rtPath, rt
		info.load(ctx, c.exe, dir, imports(rt))
	})
	if info.err != nil {
		return nil
	}
	in := false
	for _, name := range info.files {
		in = in || name == abs
	}
	if !in {
		return nil
	}
	replace := map[string][]byte{abs: out}
	if rtPath == "" {
		replace[filepath.Join(dir, utilfiles.GoFileName)] = rt
	}
	err := info.typeCheck(replace)
	if err == nil || info.typeCheck(nil) != nil {
		return nil
	}
	return fmt.Errorf("the Go type checker rejects the instrumented file: %w", err)
}

func (p *pkgInfo) load(ctx context.Context, exe, dir string, rtImports []string) {
	// The runtime's imports are listed too: the package may not import
	// them itself.
	args := append([]string{"list", "-e", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles,DepOnly,Standard,Module,ImportMap,Error", "."}, rtImports...)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = dir
	// Never download a module or a toolchain to judge a file.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		p.err = fmt.Errorf("go list: %w: %s", err, stderr.String())
		return
	}
	p.exports = map[string]string{}
	dec := json.NewDecoder(&stdout)
	for {
		var e struct {
			ImportPath, Dir, Export string
			GoFiles, CgoFiles       []string
			DepOnly, Standard       bool
			Module                  *struct{ GoVersion string }
			ImportMap               map[string]string
			Error                   *struct{ Err string }
		}
		if err := dec.Decode(&e); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			p.err = err
			return
		}
		if e.Export != "" {
			p.exports[e.ImportPath] = e.Export
		}
		// The runtime's imports are named on the command line too, so
		// they are not DepOnly (OpenTelemetry's are not Standard).
		if e.DepOnly || e.Standard || slices.Contains(rtImports, e.ImportPath) {
			continue
		}
		switch {
		case e.Error != nil:
			p.err = errors.New(e.Error.Err)
		case len(e.CgoFiles) > 0:
			p.err = errors.New("a cgo package: its types need cgo's translation")
		}
		p.path, p.imports = e.ImportPath, e.ImportMap
		if e.Module != nil && e.Module.GoVersion != "" {
			p.goVer = "go" + e.Module.GoVersion
		}
		for _, name := range e.GoFiles {
			if name != utilfiles.GoFileName {
				p.files = append(p.files, filepath.Join(e.Dir, name))
			}
		}
	}
	if p.path == "" && p.err == nil {
		p.err = errors.New("go list found no package")
	}
}

// imports lists the packages a runtime file imports.
func imports(rt []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), utilfiles.GoFileName, rt, parser.ImportsOnly)
	if err != nil {
		panic("golang: the embedded runtime does not parse: " + err.Error())
	}
	var out []string
	for _, imp := range f.Imports {
		out = append(out, strings.Trim(imp.Path.Value, `"`))
	}
	return out
}

// typeCheck checks the package with the files of replace in place of (or
// beside) the ones on disk. Checks of one package run one at a time and
// share the file set, the importer (which reads each dependency's export
// data once) and the syntax of the files read from disk (read once: a
// sibling the run has instrumented meanwhile is still checked as it was).
func (p *pkgInfo) typeCheck(replace map[string][]byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fset == nil {
		p.fset = token.NewFileSet()
		p.parsed = map[string]*ast.File{}
		deps := importer.ForCompiler(p.fset, "gc", func(path string) (io.ReadCloser, error) {
			if m, ok := p.imports[path]; ok {
				path = m
			}
			exp, ok := p.exports[path]
			if !ok {
				return nil, fmt.Errorf("no export data for %s", path)
			}
			return os.Open(exp)
		})
		p.importer = importerFunc(func(path string) (*types.Package, error) {
			if p.rtPath != "" && path == p.rtPath {
				return p.runtimePackage(deps)
			}
			return deps.Import(path)
		})
	}
	var files []*ast.File
	for _, name := range p.files {
		if _, ok := replace[name]; ok {
			continue
		}
		f, ok := p.parsed[name]
		if !ok {
			src, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if f, err = parser.ParseFile(p.fset, name, src, parser.SkipObjectResolution); err != nil {
				return err
			}
			p.parsed[name] = f
		}
		files = append(files, f)
	}
	for name, src := range replace {
		f, err := parser.ParseFile(p.fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	var first error
	conf := types.Config{
		Importer:  p.importer,
		GoVersion: p.goVer,
		Error: func(err error) {
			if first == nil {
				first = err
			}
		},
	}
	_, _ = conf.Check(p.path, p.fset, files, nil)
	return first
}

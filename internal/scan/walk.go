// Package scan finds the source files to instrument under a path: it walks
// folders in a deterministic order, honours .gitignore files (nested ones
// too) and --exclude globs, skips dependency and build folders, type
// declarations, minified bundles, binary and non-UTF-8 files and symlink
// loops, and never returns the tool's own runtime files.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Options tunes a Walk. The zero value honours .gitignore files and
// applies the default size limit.
type Options struct {
	// Exclude holds gitignore-syntax patterns, relative to the scanned
	// root, for paths to leave out. They take precedence over .gitignore
	// files ("!pattern" re-includes what a .gitignore excluded).
	Exclude []string
	// Include, when not empty, keeps only files matching at least one of
	// these gitignore-syntax patterns (folders are still entered).
	Include []string
	// MaxSize is the largest file size read, in bytes: 0 means
	// DefaultMaxSize, a negative value means no limit.
	MaxSize int64
	// NoGitignore disables .gitignore handling.
	NoGitignore bool
	// Languages are the languages whose files are found; Walk fails
	// without any.
	Languages Languages
}

// Skip is a file that looked like source (it has a language's extension)
// but is not instrumented, with the reason, for reports.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Result is what a Walk found.
type Result struct {
	// Files are the files to process, sorted by Path.
	Files []source.File
	// Skipped are candidate files (and symlinked folders) left out, sorted
	// by Path.
	Skipped []Skip
}

// level is the rules of one .gitignore file with its folder, relative to
// the top of the ignore hierarchy ("" for the top itself).
type level struct {
	base  string
	rules *Rules
}

// pendingDir is a symlinked folder whose walk is deferred until the real
// tree is done, so files are reported under their real paths when both
// are reachable.
type pendingDir struct {
	abs, rel, real string
	levels         []level
}

type walker struct {
	ctx      context.Context
	opts     Options
	maxSize  int64
	prefix   string // path from the ignore top to the scanned root
	exclude  *Rules
	include  *Rules
	rootReal string          // the scanned root's resolved path
	visited  map[string]bool // real paths of folders already walked
	pending  []pendingDir
	pkgs     *pkgCache
	res      Result
}

// Walk finds the files to instrument under root, a folder or a single file.
// File paths in the result are relative to root (to root's folder when root
// is a file). A file named explicitly is processed even if a .gitignore
// would exclude it; the content and runtime-file rules still apply.
func Walk(ctx context.Context, root string, opts Options) (Result, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return Result{}, fmt.Errorf("resolving %s: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Result{}, fmt.Errorf("reading %s: %w", root, err)
	}
	w := &walker{ctx: ctx, opts: opts, maxSize: opts.MaxSize, visited: map[string]bool{}, pkgs: newPkgCache()}
	if w.maxSize == 0 {
		w.maxSize = DefaultMaxSize
	}
	if w.exclude, err = ParseRules(cliPatterns(opts.Exclude)); err != nil {
		return Result{}, fmt.Errorf("invalid --exclude: %w", err)
	}
	if len(opts.Include) > 0 {
		if w.include, err = ParseRules(cliPatterns(opts.Include)); err != nil {
			return Result{}, fmt.Errorf("invalid --include: %w", err)
		}
	}
	if len(opts.Languages) == 0 {
		return Result{}, errors.New("scanning: no languages given (a bug: the caller must pass the languages it supports)")
	}
	if !info.IsDir() {
		name := filepath.Base(abs)
		if _, _, ok := w.opts.Languages.of(name); !ok {
			w.res.Skipped = append(w.res.Skipped, Skip{Path: name, Reason: opts.Languages.notSource()})
		} else if !w.opts.Languages.IsRuntimeFile(name) {
			w.addFile(abs, name, info, false)
		}
		return w.res, nil
	}

	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return Result{}, fmt.Errorf("resolving %s: %w", root, err)
	}
	var levels []level
	if !opts.NoGitignore {
		levels, w.prefix = parentIgnores(abs)
	}
	w.rootReal = real
	if err := w.walkDir(abs, "", real, levels); err != nil {
		return Result{}, err
	}
	for len(w.pending) > 0 {
		p := w.pending[0]
		w.pending = w.pending[1:]
		if w.visited[p.real] {
			w.res.Skipped = append(w.res.Skipped, Skip{Path: p.rel, Reason: "symbolic link to a folder already scanned (symlink loop or duplicate)"})
			continue
		}
		if r, err := filepath.Rel(w.rootReal, p.real); err != nil || !filepath.IsLocal(r) && r != "." {
			// Following it would rewrite files the user did not point at.
			w.res.Skipped = append(w.res.Skipped, Skip{Path: p.rel, Reason: "symbolic link to a folder outside the scanned tree"})
			continue
		}
		if err := w.walkDir(p.abs, p.rel, p.real, p.levels); err != nil {
			return Result{}, err
		}
	}
	sort.Slice(w.res.Files, func(i, j int) bool { return w.res.Files[i].Path < w.res.Files[j].Path })
	sort.SliceStable(w.res.Skipped, func(i, j int) bool { return w.res.Skipped[i].Path < w.res.Skipped[j].Path })
	return w.res, nil
}

// cliPatterns accepts the "./dir" spelling users type on a command line,
// which gitignore syntax does not know, as "/dir" (anchored at the root).
func cliPatterns(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if strings.HasPrefix(p, "./") {
			p = "/" + strings.TrimLeft(p[2:], "/")
		}
		if neg {
			p = "!" + p
		}
		out = append(out, p)
	}
	return out
}

// parentIgnores loads the repository's .git/info/exclude and the
// .gitignore files between the top of the git work tree holding abs (the
// nearest folder with a .git entry, abs included) and abs itself, excluded,
// lowest precedence first. It returns them with abs's path relative to
// that top; outside a work tree it returns nothing.
func parentIgnores(abs string) ([]level, string) {
	var chain []string
	top := ""
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			top = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, ""
		}
		chain = append(chain, parent)
		d = parent
	}
	var levels []level
	if rs := readRules(filepath.Join(top, ".git", "info", "exclude")); rs != nil {
		levels = append(levels, level{base: "", rules: rs})
	}
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		rel, err := filepath.Rel(top, d)
		if err != nil || (rel != "." && !filepath.IsLocal(rel)) {
			continue
		}
		if rs := readIgnore(d); rs != nil {
			levels = append(levels, level{base: slashRel(rel), rules: rs})
		}
	}
	rel, _ := filepath.Rel(top, abs)
	return levels, slashRel(rel)
}

// slashRel turns a filepath.Rel result into the slash form used for
// matching, with "" for the folder itself.
func slashRel(rel string) string {
	if rel == "." {
		return ""
	}
	return filepath.ToSlash(rel)
}

// readIgnore reads dir/.gitignore; nil when there is none.
func readIgnore(dir string) *Rules {
	return readRules(filepath.Join(dir, ".gitignore"))
}

// readRules reads a gitignore-syntax file; nil when there is none.
func readRules(file string) *Rules {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	return parseGitignore(string(b))
}

// walkDir walks one folder; rel is its path relative to the scanned root
// ("" for the root) and real its resolved path.
func (w *walker) walkDir(abs, rel, real string, levels []level) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.visited[real] = true
	if !w.opts.NoGitignore {
		if rs := readIgnore(abs); rs != nil {
			levels = append(levels[:len(levels):len(levels)], level{base: path.Join(w.prefix, rel), rules: rs})
		}
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		w.res.Skipped = append(w.res.Skipped, Skip{Path: displayRel(rel), Reason: fmt.Sprintf("cannot read folder: %v", err)})
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		childAbs := filepath.Join(abs, name)
		childRel := path.Join(rel, name)
		isLink := e.Type()&fs.ModeSymlink != 0
		info, err := os.Stat(childAbs) // follows links
		if err != nil {
			if _, _, ok := w.opts.Languages.of(name); ok && !w.opts.Languages.IsRuntimeFile(name) {
				w.res.Skipped = append(w.res.Skipped, Skip{Path: childRel, Reason: fmt.Sprintf("cannot read: %v", err)})
			}
			continue
		}
		if info.IsDir() {
			if skippedDir(name) || w.ignored(levels, childRel, true) {
				continue
			}
			if !isLink {
				childReal := filepath.Join(real, name)
				if w.visited[childReal] {
					continue
				}
				if err := w.walkDir(childAbs, childRel, childReal, levels); err != nil {
					return err
				}
				continue
			}
			childReal, err := filepath.EvalSymlinks(childAbs)
			if err != nil {
				continue
			}
			w.pending = append(w.pending, pendingDir{abs: childAbs, rel: childRel, real: childReal, levels: levels[:len(levels):len(levels)]})
			continue
		}
		if _, _, ok := w.opts.Languages.of(name); !ok || w.opts.Languages.IsRuntimeFile(name) || !info.Mode().IsRegular() {
			continue
		}
		if w.ignored(levels, childRel, false) || !w.included(childRel) {
			continue
		}
		w.addFile(childAbs, childRel, info, isLink)
	}
	return nil
}

// displayRel names the root as "." in reports.
func displayRel(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

// ignored applies the .gitignore levels from the top down (a deeper file
// overrides a shallower one), then the --exclude rules over all of them.
func (w *walker) ignored(levels []level, rel string, isDir bool) bool {
	full := path.Join(w.prefix, rel)
	verdict := false
	for _, l := range levels {
		sub := full
		if l.base != "" {
			if len(full) <= len(l.base) || full[:len(l.base)] != l.base || full[len(l.base)] != '/' {
				continue
			}
			sub = full[len(l.base)+1:]
		}
		if ig, ok := l.rules.Match(sub, isDir); ok {
			verdict = ig
		}
	}
	if ig, ok := w.exclude.Match(rel, isDir); ok {
		verdict = ig
	}
	return verdict
}

// included applies the --include rules to a file.
func (w *walker) included(rel string) bool {
	if w.include == nil {
		return true
	}
	if ig, _ := w.include.Match(rel, false); ig {
		return true
	}
	// "src/" or "src" as an include pattern means everything below src.
	for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
		if ig, _ := w.include.Match(dir, true); ig {
			return true
		}
	}
	return false
}

// addFile applies the name and content rules to one candidate file and
// adds it to the result or to the skipped list.
func (w *walker) addFile(abs, rel string, info fs.FileInfo, isLink bool) {
	skip := func(reason string) {
		w.res.Skipped = append(w.res.Skipped, Skip{Path: rel, Reason: reason})
	}
	lang, tsx, _ := w.opts.Languages.of(rel)
	if r := nameSkip(lang, path.Base(rel)); r != "" {
		skip(r)
		return
	}
	if isLink {
		// Rewriting through a link would replace it with a regular file;
		// the file it points to is instrumented where it lives.
		skip("symbolic link to a file")
		return
	}
	// The limit is for files not yet instrumented: instrumenting can grow
	// a file past it, and --remove and later runs must still handle it.
	if w.maxSize > 0 && info.Size() > w.maxSize && !importsRuntime(abs, lang.RuntimeMarker) {
		skip(fmt.Sprintf("too large (%d bytes, limit %d for files not yet instrumented)", info.Size(), w.maxSize))
		return
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		skip(fmt.Sprintf("cannot read: %v", err))
		return
	}
	// Injected lines lengthen the lines of a file that is one long line
	// already (a bundler's 1 KB locale), past the minified-bundle test:
	// a file that holds the runtime's import is ours to --remove.
	minifiable := lang.Minifiable && !holdsMarker(src, lang.RuntimeMarker)
	if r := contentSkip(src, minifiable); r != "" {
		skip(r)
		return
	}
	mod, err := w.pkgs.moduleFor(abs, lang)
	if err != nil {
		skip(fmt.Sprintf("reading package.json: %v", err))
		return
	}
	w.res.Files = append(w.res.Files, source.File{
		Path:   rel,
		Abs:    abs,
		Lang:   lang.Name,
		TSX:    tsx,
		Module: mod,
		Src:    src,
		Mode:   uint32(info.Mode().Perm()),
	})
}

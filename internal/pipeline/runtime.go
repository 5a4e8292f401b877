package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// ensureRuntime makes the runtime file a placement needs current, once per
// run, before the first file that imports it is written, so an interrupted
// run never leaves an instrumented file whose import fails. It reports
// whether it wrote (or, in a dry run, would write) the file.
func (r *run) ensureRuntime(l *lang.Language, p layout.Placement) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err, ok := r.checked[p.RuntimePath]; ok {
		return false, err
	}
	wrote, err := r.makeRuntime(l, p)
	r.checked[p.RuntimePath] = err // every file placed there shares the answer
	return wrote, err
}

func (r *run) makeRuntime(l *lang.Language, p layout.Placement) (bool, error) {
	body := []byte(p.Content)
	want := stampRuntime(l.LineComment, body)
	abs := filepath.Join(r.opts.Root, filepath.FromSlash(p.RuntimePath))
	if !atomicfile.InTree(r.opts.Root, abs) {
		// Go's runtime folder is never scanned, so only here is a planted
		// _telemetry_utils that links out of the tree seen.
		return false, fmt.Errorf("%s is, or is in, a symbolic link out of the tree, and telemetry-inject writes only inside it: replace the link with a folder, or exclude the files that would import it", p.RuntimePath)
	}
	have, err := os.ReadFile(abs)
	missing := errors.Is(err, fs.ErrNotExist)
	switch {
	case err == nil && bytes.Equal(have, want):
		return false, nil
	case err != nil && !missing:
		return false, fmt.Errorf("reading the runtime file %s: %w", p.RuntimePath, err)
	case err == nil && changedRuntime(have):
		return false, fmt.Errorf("%s is %s", p.RuntimePath, changedRuntimeAdvice(p.RuntimePath))
	case err == nil && !ownRuntime(have) && !bytes.Equal(have, body):
		return false, fmt.Errorf("%s exists but is not telemetry-inject's runtime file (no valid telemetry-inject header line), so it is left alone and nothing here imports it: rename it, or exclude this folder", p.RuntimePath)
	case r.opts.DryRun:
		if err := r.diff(p.RuntimePath, have, want); err != nil {
			return false, err
		}
	case missing:
		// A runtime in a folder of its own (Go's) gets the folder made.
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return false, fmt.Errorf("making the runtime's folder for %s: %w", p.RuntimePath, err)
		}
		// Linked into place, never over a file that appeared meanwhile.
		if err := atomicfile.Create(abs, want, 0o644, r.opts.TempDir); err != nil {
			return false, fmt.Errorf("writing the runtime file %s: %w", p.RuntimePath, err)
		}
		r.created[p.RuntimePath] = l
	default:
		// Ours, from another version: replaced, with its owner and mode.
		if err := atomicfile.Replace(abs, have, want, atomicfile.ReplaceOptions{TempDir: r.opts.TempDir, Force: true}); err != nil {
			return false, fmt.Errorf("updating the runtime file %s: %w", p.RuntimePath, err)
		}
	}
	r.runtimes[p.RuntimePath] = true
	if err := r.ship(l, p.RuntimePath, abs); err != nil {
		return true, err
	}
	return true, nil
}

// ship makes a JavaScript runtime file part of what npm publishes when the
// package's "files" list or .npmignore would leave it out, so a published
// package never requires a file it lacks (see layout.Ship). A dry run
// shows the edit instead.
func (r *run) ship(l *lang.Language, rel, abs string) error {
	if !r.opts.DryRun {
		if !l.NPMPublished {
			return nil
		}
		edited, err := layout.ShipRuntime(abs)
		if edited != "" {
			if er, rerr := filepath.Rel(r.opts.Root, edited); rerr == nil {
				r.runtimes[filepath.ToSlash(er)] = true
			}
		}
		return err
	}
	dir := filepath.Dir(abs)
	pkg, err := os.ReadFile(filepath.Join(dir, layout.PackageJSON))
	if err != nil {
		return nil // no package.json: nothing restricts what ships
	}
	ignore, _ := os.ReadFile(filepath.Join(dir, layout.NpmIgnore))
	edit, ok, err := layout.Ship(pkg, ignore, path.Base(rel))
	if err != nil || !ok {
		return err
	}
	before := pkg
	if edit.File == layout.NpmIgnore {
		before = ignore
	}
	return r.diff(path.Join(path.Dir(rel), edit.File), before, edit.Content)
}

func (r *run) runtimeList() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for p := range r.runtimes {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// removeRuntimes deletes the runtime files that serve the scanned files,
// each only once no file in its folder's tree still imports it, and only if
// it is ours.
func (r *run) removeRuntimes(ctx context.Context) {
	var files []*source.File
	for _, fs := range r.files {
		files = append(files, fs.orig)
	}
	// Every folder from a scanned file up to the root: the run that
	// instrumented placed a TypeScript runtime in the common folder of the
	// files that had constructs, which a plan over all scanned files (an
	// index.ts of re-exports one folder up) does not give back. The header
	// check and the importers below still decide what is deleted.
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); ; d = path.Dir(d) {
			if dirs[d] {
				break
			}
			dirs[d] = true
			if d == "." || d == "/" {
				break
			}
		}
	}
	owner := map[string]*lang.Language{} // runtime file name -> its language
	for _, l := range r.opts.Languages {
		for _, name := range l.RuntimeNames {
			owner[name] = l
		}
	}
	// A runtime serves the tree it was found from: a name with a folder
	// (Go's _telemetry_utils/zz_telemetry_utils.go) serves that folder's parent.
	type candidate struct {
		rel, scope string
		l          *lang.Language
	}
	var candidates []candidate
	for dir := range dirs {
		for name, l := range owner {
			rel := path.Join(dir, name)
			if _, err := os.Lstat(filepath.Join(r.opts.Root, filepath.FromSlash(rel))); err == nil {
				candidates = append(candidates, candidate{rel, dir, l})
			}
		}
	}
	if len(candidates) == 0 {
		return
	}
	sort.Slice(candidates, func(i, j int) bool { return candidates[i].rel < candidates[j].rel })
	importers := r.importers(ctx)
	for _, c := range candidates {
		if ctx.Err() != nil {
			return
		}
		rel := c.rel
		abs := filepath.Join(r.opts.Root, filepath.FromSlash(rel))
		if !atomicfile.InTree(r.opts.Root, abs) {
			r.keep(rel, "is, or is in, a symbolic link out of the tree: left alone, as another project may use what it points to")
			continue
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			r.keep(rel, fmt.Sprintf("cannot read it: %v", err))
			continue
		}
		if changedRuntime(b) {
			r.keep(rel, changedRuntimeAdvice(rel))
			continue
		}
		if !ownRuntime(b) && !r.unstamped(b) {
			r.keep(rel, "not telemetry-inject's own runtime file (no valid telemetry-inject header line): left alone")
			continue
		}
		if who := inScope(c.scope, importers); len(who) > 0 {
			more := ""
			if len(who) > 1 {
				more = fmt.Sprintf(" and %d more", len(who)-1)
			}
			r.mu.Lock()
			r.kept = append(r.kept, KeptRuntime{Path: rel, Reason: fmt.Sprintf("still imported by %s%s", who[0], more), StillImported: true})
			r.mu.Unlock()
			continue
		}
		if r.opts.DryRun {
			if err := r.diff(rel, b, nil); err != nil {
				continue
			}
		} else if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.keep(rel, fmt.Sprintf("deleting it: %v", err))
			continue
		} else if c.l.NPMPublished {
			if _, err := layout.UnshipRuntime(abs); err != nil {
				r.keep(rel, fmt.Sprintf("deleted, but taking it out of what npm publishes failed: %v", err))
			}
		} else if err := removeCompiled(c.l, abs); err != nil {
			r.keep(rel, fmt.Sprintf("deleted, but its compiled copy stays: %v", err))
		} else {
			removeFolders(filepath.Dir(abs), filepath.Join(r.opts.Root, filepath.FromSlash(c.scope)))
		}
		r.mu.Lock()
		r.runtimes[rel] = true
		r.mu.Unlock()
	}
}

// removeFolders deletes the folders from dir up to, not including, scope
// while they are empty: the folder a runtime had of its own goes with it,
// and never a folder that holds anything else.
func removeFolders(dir, scope string) {
	for d := dir; d != scope && strings.HasPrefix(d, scope+string(filepath.Separator)); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			return
		}
	}
}

// removeCompiled deletes what running the instrumented project derived
// from the runtime file at abs (see lang.Language.Compiled), and a folder
// of theirs that this leaves empty: a project given back byte for byte has
// none of the runtime's. What was derived from the project's own files is
// left alone: the toolchain rebuilds it from the restored sources.
func removeCompiled(l *lang.Language, abs string) error {
	if l.Compiled == nil {
		return nil
	}
	compiled, err := l.Compiled(abs)
	if err != nil {
		return err
	}
	folders := map[string]bool{}
	for _, c := range compiled {
		if err := os.Remove(c); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if dir := filepath.Dir(c); dir != filepath.Dir(abs) {
			folders[dir] = true
		}
	}
	for dir := range folders {
		if left, err := os.ReadDir(dir); err == nil && len(left) == 0 {
			if err := os.Remove(dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// unstamped recognises a runtime file written before files carried the
// header line: byte for byte one this binary would write, less the line.
func (r *run) unstamped(b []byte) bool {
	for _, l := range r.opts.Languages {
		for _, body := range l.RuntimeBodies {
			if bytes.Equal(b, body) {
				return true
			}
		}
	}
	return false
}

func (r *run) keep(rel, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kept = append(r.kept, KeptRuntime{Path: rel, Reason: reason})
}

// importers lists the files under the root that may still import a
// runtime: every file, scanned or left out by the scan (excluded, ignored,
// unreadable), whose content after this run names the runtime at all. The
// test is deliberately wide: keeping a runtime file too many is harmless,
// deleting one too many breaks code.
func (r *run) importers(ctx context.Context) []string {
	scanned := map[string]*fileState{}
	for _, fs := range r.files {
		scanned[fs.cur.Path] = fs
	}
	markers := map[string]string{} // extension -> its language's RuntimeMarker
	var langs []*lang.Language
	for _, l := range r.opts.Languages {
		langs = append(langs, l)
		for _, e := range l.Extensions {
			markers[e] = l.RuntimeMarker
		}
	}
	runtimes := lang.Scanned(langs)
	var out []string
	_ = filepath.WalkDir(r.opts.Root, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != r.opts.Root && scan.SkippedDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(r.opts.Root, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if fs, ok := scanned[rel]; ok {
			// What the file holds now: what we wrote, or what it had. A
			// file whose injected code Strip refused or did not recognise
			// (a formatter rewrapped the import) still names the runtime.
			final := fs.cur.Src
			if fs.report.Status == StatusRestored {
				final = fs.orig.Src
			}
			if fs.stripErr != nil || namesRuntime(final, r.marker(fs.cur.Lang)) {
				out = append(out, rel)
			}
			return nil
		}
		marker, ok := markers[strings.ToLower(path.Ext(rel))]
		if !d.Type().IsRegular() || !ok || runtimes.IsRuntimeFile(rel) {
			return nil
		}
		if b, err := os.ReadFile(p); err != nil || namesRuntime(b, marker) {
			out = append(out, rel) // unreadable counts: we cannot tell
		}
		return nil
	})
	return out
}

// namesRuntime reports whether source text names the runtime module, by
// its language's RuntimeMarker.
func namesRuntime(b []byte, marker string) bool {
	return marker != "" && bytes.Contains(b, []byte(marker))
}

// marker is the RuntimeMarker of a language, "" for one not run.
func (r *run) marker(name source.Language) string {
	if l := r.opts.Languages[name]; l != nil {
		return l.RuntimeMarker
	}
	return ""
}

// inScope returns the importers inside dir, the folder tree a runtime
// file serves.
func inScope(dir string, importers []string) []string {
	var out []string
	for _, p := range importers {
		if dir == "." || strings.HasPrefix(p, dir+"/") {
			out = append(out, p)
		}
	}
	return out
}

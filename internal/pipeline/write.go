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

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/patch"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// diskFS answers layout's questions from the disk.
type diskFS struct{ root string }

func (d diskFS) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(rel)))
	return err == nil
}

func (d diskFS) PackageType(dir string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(dir), "package.json"))
	if err != nil {
		return "", false
	}
	return packageType(b), true
}

// write replaces f's content with out, or prints the diff in a dry run.
func (r *run) write(f *source.File, out []byte) error {
	if r.opts.DryRun {
		return r.diff(f.Path, f.Src, out)
	}
	mode := fs.FileMode(f.Mode).Perm()
	if mode == 0 {
		mode = 0o644
	}
	if err := atomicfile.Write(f.Abs, out, mode); err != nil {
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	return nil
}

// ensureRuntime writes the runtime file a placement needs, once per run,
// before the first file that imports it, so an interrupted run never leaves
// an instrumented file whose import fails.
func (r *run) ensureRuntime(p layout.Placement) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runtimes[p.RuntimePath] {
		return nil
	}
	want := r.opts.Runtime(p.Runtime)
	abs := filepath.Join(r.opts.Root, filepath.FromSlash(p.RuntimePath))
	have, err := os.ReadFile(abs)
	switch {
	case err == nil && bytes.Equal(have, want):
	case err == nil && !isOurRuntime(have):
		return fmt.Errorf("%s exists and was not written by telemetry-inject; move it away or exclude this folder", p.RuntimePath)
	case r.opts.DryRun:
		if err := r.diff(p.RuntimePath, have, want); err != nil {
			return err
		}
	default:
		if err := atomicfile.Write(abs, want, 0o644); err != nil {
			return fmt.Errorf("writing the runtime file %s: %w", p.RuntimePath, err)
		}
	}
	r.runtimes[p.RuntimePath] = true
	return nil
}

// isOurRuntime recognises a runtime file an earlier version of the tool
// wrote, by the notice every runtime file starts with.
func isOurRuntime(b []byte) bool {
	head := b[:min(len(b), 512)]
	return bytes.Contains(head, []byte("telemetry-inject"))
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
// once nothing imports them any more.
func (r *run) removeRuntimes(ctx context.Context) {
	var files []*source.File
	for _, fs := range r.files {
		files = append(files, fs.orig)
	}
	dirs := map[string]bool{}
	for _, p := range layout.Plan(r.opts.FS, files, func(f *source.File) source.Module { return f.Module }) {
		dirs[path.Dir(p.RuntimePath)] = true
	}
	for dir := range dirs {
		if ctx.Err() != nil {
			return
		}
		for _, ext := range []string{".py", ".js", ".mjs", ".cjs", ".ts"} {
			rel := path.Join(dir, "_telemetry_utils"+ext)
			abs := filepath.Join(r.opts.Root, filepath.FromSlash(rel))
			b, err := os.ReadFile(abs)
			if err != nil || !isOurRuntime(b) {
				continue
			}
			if !r.opts.DryRun {
				if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
					continue
				}
			} else if err := r.diff(rel, b, nil); err != nil {
				continue
			}
			r.mu.Lock()
			r.runtimes[rel] = true
			r.mu.Unlock()
		}
	}
}

// diff prints the patch of one file's change, in the form git apply and
// patch -p1 accept.
func (r *run) diff(name string, before, after []byte) error {
	if r.opts.Diff == nil {
		return nil
	}
	r.diffMu.Lock()
	defer r.diffMu.Unlock()
	return patch.Write(r.opts.Diff, name, before, after)
}

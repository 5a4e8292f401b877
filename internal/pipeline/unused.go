package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/layout"
)

// dropUnused deletes each runtime file this run created where there was
// none, when no file imports it after all: every file placed with it
// failed or was left alone (immutable files, a full disk, edits during the
// run), so the tree ends as it was found. A runtime that was already there
// is never touched here, and an interrupted run keeps what it wrote (the
// next run or --remove sees to it).
func (r *run) dropUnused(ctx context.Context) {
	if r.opts.DryRun || ctx.Err() != nil || len(r.created) == 0 {
		return
	}
	var importers []string
	loaded := false
	for rel, l := range r.created {
		if r.writtenWith(rel) {
			continue
		}
		if !loaded {
			importers, loaded = r.importers(ctx), true
		}
		// The runtime serves the folder its name hangs from: the longest
		// of the language's names it ends with (Go's shared package,
		// _telemetry_utils/zz_telemetry_utils.go, serves the module).
		matched := ""
		for _, name := range l.RuntimeNames {
			if (rel == name || strings.HasSuffix(rel, "/"+name)) && len(name) > len(matched) {
				matched = name
			}
		}
		if matched == "" {
			continue
		}
		scope := strings.TrimSuffix(strings.TrimSuffix(rel, matched), "/")
		if scope == "" {
			scope = "."
		}
		if ctx.Err() != nil || len(inScope(scope, importers)) > 0 {
			continue
		}
		abs := filepath.Join(r.opts.Root, filepath.FromSlash(rel))
		if err := os.Remove(abs); err != nil {
			continue
		}
		if l.NPMPublished {
			_, _ = layout.UnshipRuntime(abs)
		}
		removeFolders(filepath.Dir(abs), filepath.Join(r.opts.Root, filepath.FromSlash(scope)))
		r.mu.Lock()
		delete(r.runtimes, rel)
		r.mu.Unlock()
	}
}

// writtenWith reports whether a file placed with the runtime at rel was
// written with telemetry in this run.
func (r *run) writtenWith(rel string) bool {
	for _, fs := range r.files {
		if fs.placement.RuntimePath == rel && fs.report.Status == StatusInstrumented {
			return true
		}
	}
	return false
}

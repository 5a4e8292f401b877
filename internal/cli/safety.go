package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/lock"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// guard is what a writing run holds: the tree's lock and the folder its
// temporary files go to.
type guard struct {
	lock    *lock.Lock
	tempDir string
}

// lockTree takes the tree's lock, so one run at a time writes there. A dry
// run writes nothing and takes no lock (it creates no state folder either).
func lockTree(root string, opts *Options) (*guard, error) {
	verbose, errOut := opts.Verbose, opts.IO.ErrOut
	if opts.DryRun {
		return &guard{}, nil
	}
	if err := lock.Ancestors(root, cache.DirName); err != nil {
		return nil, err
	}
	dir, err := cache.StateDir(root)
	if err != nil {
		return nil, err
	}
	l, err := lock.Acquire(dir)
	if err != nil {
		return nil, err
	}
	if prev := l.TakenOver; prev != nil && verbose {
		fmt.Fprintf(errOut, "taking over the lock of an interrupted run (PID %d, started %s), which is no longer running\n", prev.PID, prev.Started.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		l.Release()
		return nil, fmt.Errorf("creating %s: %w", tmp, err)
	}
	if err := cache.OwnFolder(tmp); err != nil {
		l.Release()
		return nil, err
	}
	return &guard{lock: l, tempDir: tmp}, nil
}

// cleanTemp stops when a run on a subtree holds its lock, then removes the
// temporary files that killed runs left in the state folder and beside the
// scanned files (where they go when the state folder is on another file
// system), and says so.
func (g *guard) cleanTemp(opts *Options, root string, files []source.File) error {
	if g.lock == nil {
		return nil
	}
	dirs := []string{g.tempDir, filepath.Dir(g.tempDir)}
	seen := map[string]bool{}
	for _, f := range files {
		for d := filepath.Dir(f.Abs); !seen[d]; d = filepath.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
			if d == root || filepath.Dir(d) == d {
				break
			}
		}
	}
	// A run on a subtree, started before this one took its lock, would
	// write where this one does.
	var below []string
	for _, d := range dirs[2:] {
		if d != root {
			below = append(below, d)
		}
	}
	if err := lock.Descendants(below, cache.DirName); err != nil {
		return err
	}
	removed, err := atomicfile.Clean(root, dirs)
	if len(removed) > 0 && opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "removed %d temporary files left by an interrupted run\n", len(removed))
	}
	return err
}

// release drops the lock and takes away what the run added to the state
// folder, the folder too when nothing else (a cache) is in it, so a run
// without a cache leaves the tree as it found it beyond the files it
// instrumented.
func (g *guard) release() {
	if g.lock == nil {
		return
	}
	_ = os.Remove(g.tempDir) // only when empty
	dir := filepath.Dir(g.tempDir)
	_ = g.lock.Release()
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 1 && entries[0].Name() == ".gitignore" {
		_ = os.Remove(filepath.Join(dir, ".gitignore"))
		_ = os.Remove(dir)
	}
}

// stillImported reports whether --remove kept a runtime file that code
// still imports: the removal is then incomplete, whatever the files say.
func stillImported(rep *pipeline.Report) bool {
	for _, k := range rep.RuntimesKept {
		if k.StillImported {
			return true
		}
	}
	return false
}

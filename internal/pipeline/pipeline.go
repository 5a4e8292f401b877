// Package pipeline runs the stages in order for a set of scanned files:
// find constructs, have them decided, render, validate and write. Files are
// written as soon as all of their constructs are decided, so a long LLM run
// finishes files steadily and an interrupted one leaves each file either
// untouched or fully instrumented.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Options configure a run.
type Options struct {
	// Root is the scanned root; file paths are relative to it.
	Root string
	// Files are the scanned files. Run does not modify them.
	Files []source.File
	// Languages maps each language to its implementation.
	Languages map[source.Language]*lang.Language
	// Decider decides constructs (not used by Remove).
	Decider decision.Decider
	// Kinds are the construct kinds to instrument; nil means all.
	Kinds map[source.Kind]bool
	// Policy is applied to every file's decisions, whoever made them:
	// values only on opt-in, and the noise budget. The zero value is the
	// default: shapes only, low density.
	Policy decide.Policy
	// FS answers layout's questions about the tree; nil means the disk.
	FS layout.FS
	// DryRun writes nothing and sends a unified diff of every change to Diff.
	DryRun bool
	Diff   io.Writer
	// Workers bounds the parse and render workers; 0 means GOMAXPROCS.
	Workers int
	// OnFileDone, if set, is called as each file's fate is settled.
	OnFileDone func(FileReport)
	// TempDir holds temporary files while they are written (the state
	// folder's tmp/, on the tree's file system); empty means beside each
	// file.
	TempDir string
	// Force rewrites read-only files, which are otherwise left alone, and
	// files with several hard links, in place with a backup, which are
	// otherwise refused.
	Force bool
}

// Run instruments the files. It returns the report even when ctx ends
// early; files not reached are reported as not processed.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.FS == nil {
		opts.FS = diskFS{root: opts.Root}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := newRun(opts)
	r.parseAll(ctx, workers)

	var jobs []decision.Job
	var owners []*fileState
	var index []int // each job's construct index within its file
	for _, fs := range r.files {
		for i := range fs.constructs {
			if fs.pending[i] {
				jobs = append(jobs, decision.Job{File: fs.orig, Construct: &fs.constructs[i]})
				owners = append(owners, fs)
				index = append(index, i)
			}
		}
	}
	r.planPlacements()

	ready := make(chan *fileState, len(r.files))
	for _, fs := range r.files {
		if fs.waiting == 0 {
			ready <- fs
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fs := range ready {
				r.finish(ctx, fs)
			}
		}()
	}
	if len(jobs) > 0 && opts.Decider != nil {
		// The decider must not call done after it returns; every
		// file still waiting then stays untouched.
		var mu sync.Mutex
		opts.Decider.Decide(ctx, jobs, func(i int, d decision.Decided) {
			fs := owners[i]
			mu.Lock()
			fs.outcomes[index[i]] = &d
			fs.waiting--
			last := fs.waiting == 0
			mu.Unlock()
			if last {
				ready <- fs
			}
		})
	}
	close(ready)
	wg.Wait()
	r.dropUnused(ctx)
	return r.report(ctx), ctx.Err()
}

// Remove takes every injected piece out of the files and deletes the
// runtime files that were placed for them, keeping each one that a file in
// its scope still imports (a file whose removal failed, or one not
// scanned).
func Remove(ctx context.Context, opts Options) (*Report, error) {
	if opts.FS == nil {
		opts.FS = diskFS{root: opts.Root}
	}
	r := newRun(opts)
	for _, fs := range r.files {
		if err := ctx.Err(); err != nil {
			break
		}
		l := opts.Languages[fs.cur.Lang]
		if l == nil {
			continue
		}
		if fs.settled || fs.stripped == 0 {
			r.settle(fs, StatusUnchanged, "")
			continue
		}
		if err := r.write(fs.cur, fs.orig.Src); err != nil {
			r.settleWriteError(fs, err, true)
			continue
		}
		r.settle(fs, StatusRestored, fmt.Sprintf("%d injected pieces removed", fs.stripped))
	}
	r.removeRuntimes(ctx)
	return r.report(ctx), ctx.Err()
}

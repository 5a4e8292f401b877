package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// fileState follows one file through the run.
type fileState struct {
	cur        *source.File // as found on disk
	orig       *source.File // with anything a previous run injected taken out
	stripped   int
	stripErr   error         // injected code Strip cannot take out exactly
	module     source.Module // the module system the file's import will use
	constructs []source.Construct
	pending    []bool              // construct i goes to the decider
	outcomes   []*decision.Decided // filled as decisions arrive
	waiting    int
	placement  layout.Placement
	report     FileReport
	settled    bool
}

type run struct {
	opts  Options
	files []*fileState

	mu       sync.Mutex
	runtimes map[string]bool           // runtime paths written, or deleted (or diffed)
	checked  map[string]error          // runtime paths ensureRuntime has seen to, and how that went
	kept     []KeptRuntime             // runtime files --remove left in place
	created  map[string]*lang.Language // runtime paths this run created, where none was
	diffMu   sync.Mutex                // keeps each file's diff in one piece
}

func newRun(opts Options) *run {
	r := &run{opts: opts, runtimes: map[string]bool{}, checked: map[string]error{}, created: map[string]*lang.Language{}}
	for i := range opts.Files {
		cur := &opts.Files[i]
		fs := &fileState{cur: cur, orig: cur}
		fs.report = FileReport{Path: cur.Path, Lang: cur.Lang}
		r.files = append(r.files, fs)
		l := opts.Languages[cur.Lang]
		if l == nil {
			continue
		}
		src, n, err := l.Strip(cur.Src)
		if err != nil {
			// Neither instrumenting nor removing can be done exactly: the
			// file stays as it is, and so does the runtime it imports.
			fs.stripErr = err
			r.settle(fs, StatusFailed, fmt.Sprintf("injected code cannot be taken out exactly (%v); the file and the runtime it imports are left alone", err))
			continue
		}
		if n > 0 {
			orig := *cur
			orig.Src = src
			fs.orig, fs.stripped = &orig, n
		}
	}
	return r
}

// parseAll finds every file's constructs on the original text (so line
// numbers are those of the un-instrumented file) and marks which go to the
// decider.
func (r *run) parseAll(ctx context.Context, workers int) {
	work := make(chan *fileState)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fs := range work {
				r.parse(fs)
			}
		}()
	}
	for _, fs := range r.files {
		if ctx.Err() != nil {
			break
		}
		work <- fs
	}
	close(work)
	wg.Wait()
}

func (r *run) parse(fs *fileState) {
	if fs.settled {
		return
	}
	l := r.opts.Languages[fs.orig.Lang]
	if l == nil {
		r.settle(fs, StatusSkipped, "no language support for "+string(fs.orig.Lang))
		return
	}
	cs, err := l.Find(fs.orig)
	if err != nil {
		r.settle(fs, StatusSkipped, fmt.Sprintf("does not parse: %v", err))
		return
	}
	fs.constructs = cs
	fs.pending = make([]bool, len(cs))
	fs.outcomes = make([]*decision.Decided, len(cs))
	for i := range cs {
		c := &cs[i]
		switch {
		case r.opts.Kinds != nil && !r.opts.Kinds[c.Kind]:
			fs.report.count(c.Kind, OutcomeExcluded)
		case c.Skip != "":
			fs.report.count(c.Kind, OutcomeSkipped)
			fs.report.Skips = append(fs.report.Skips, ConstructSkip{Line: c.Range.StartLine, Name: c.QualName, Kind: c.Kind, Reason: c.Skip})
		default:
			fs.pending[i] = true
			fs.waiting++
		}
	}
	fs.module = fs.orig.Module
	if l.Module != nil && fs.waiting > 0 {
		fs.module = l.Module(fs.orig)
	}
}

// planPlacements decides where each file's runtime lives, once all files
// are parsed (TypeScript's placement depends on all of a package's files):
// each language places its own files.
func (r *run) planPlacements() {
	byPath := map[string]*fileState{}
	byLang := map[source.Language][]*source.File{}
	var langs []source.Language
	for _, fs := range r.files {
		if fs.constructs != nil {
			f := fs.orig
			byPath[f.Path] = fs
			if _, ok := byLang[f.Lang]; !ok {
				langs = append(langs, f.Lang)
			}
			byLang[f.Lang] = append(byLang[f.Lang], f)
		}
	}
	module := func(f *source.File) source.Module { return byPath[f.Path].module }
	for _, name := range langs {
		l := r.opts.Languages[name]
		if l == nil || l.Place == nil {
			continue
		}
		for p, pl := range l.Place(r.opts.FS, byLang[name], module) {
			byPath[p].placement = pl
		}
	}
}

// finish renders, validates and writes one file whose decisions are all in.
func (r *run) finish(ctx context.Context, fs *fileState) {
	if fs.settled {
		return
	}
	if ctx.Err() != nil {
		r.settle(fs, StatusNotProcessed, "interrupted")
		return
	}
	l := r.opts.Languages[fs.orig.Lang]
	ds := make([]*source.Decision, len(fs.constructs))
	for i, o := range fs.outcomes {
		if o != nil {
			ds[i] = &o.Decision
		}
	}
	trimmed := r.opts.Policy.Apply(fs.orig, fs.constructs, ds)
	var edits []inject.Edit
	for i := range fs.constructs {
		o := fs.outcomes[i]
		if o == nil {
			continue
		}
		c := &fs.constructs[i]
		if trimmed[i] != "" {
			fs.report.count(c.Kind, OutcomeTrimmed)
			if c.Serialized != "" {
				// Left alone at any density, like a finder's skip, and
				// named with it: nothing the user can turn up changes it.
				fs.report.Skips = append(fs.report.Skips, ConstructSkip{Line: c.Range.StartLine, Name: c.QualName, Kind: c.Kind, Reason: c.Serialized})
			}
			continue
		}
		if o.Decision.Skip {
			fs.report.count(c.Kind, OutcomeDeclined)
			continue
		}
		e := l.Render(fs.orig, c, o.Decision)
		if len(e) == 0 {
			fs.report.count(c.Kind, OutcomeDeclined)
			continue
		}
		edits = append(edits, e...)
		fs.report.count(c.Kind, Outcome(o.Origin))
		if o.Origin == source.OriginFallback && o.Note != "" {
			fs.report.Fallbacks = append(fs.report.Fallbacks, fmt.Sprintf("%s: %s", c.QualName, o.Note))
		}
	}
	out := fs.orig.Src
	if len(edits) > 0 {
		// The import goes first in the list so that, at an offset it
		// shares with a construct's edit (a module-level loop right after
		// the docstring), it stays above it: Apply keeps the given order
		// for ties.
		edits = append([]inject.Edit{l.Import(fs.orig, fs.placement.Spec)}, edits...)
		var err error
		if out, err = inject.Apply(fs.orig.Src, edits); err != nil {
			r.settle(fs, StatusFailed, fmt.Sprintf("internal error applying edits: %v", err))
			return
		}
		if err := r.check(ctx, fs, out); err != nil {
			// A file the language rejects as it stands (test data with
			// deliberate syntax errors, Python 2 code) is not ours to fix:
			// report it as skipped with the compiler's own words.
			if verr := l.Validate(ctx, fs.orig, fs.orig.Src); verr != nil {
				r.settle(fs, StatusSkipped, fmt.Sprintf("does not compile as it is: %v", verr))
				return
			}
			r.settle(fs, StatusFailed, err.Error())
			return
		}
	}
	fs.report.SourceLines = lineCount(fs.orig.Src)
	fs.report.AddedLines = max(0, lineCount(out)-fs.report.SourceLines)
	fs.report.InjectedLines = injectedLines(fs.orig.Src, edits)
	if len(edits) > 0 {
		// Also when the file is already as wanted: a runtime file deleted
		// or left outdated since is written back.
		repaired, err := r.ensureRuntime(l, fs.placement)
		if err != nil {
			r.settle(fs, StatusFailed, err.Error())
			return
		}
		if repaired && bytes.Equal(out, fs.cur.Src) {
			r.settle(fs, StatusUnchanged, "its runtime file "+fs.placement.RuntimePath+" was missing or outdated and is written again")
			return
		}
	}
	if bytes.Equal(out, fs.cur.Src) {
		reason := ""
		if fs.stripped > 0 {
			reason = ReasonAlreadyInstrumented
		}
		r.settle(fs, StatusUnchanged, reason)
		return
	}
	if err := r.write(fs.cur, out); err != nil {
		r.settleWriteError(fs, err, false)
		return
	}
	if len(edits) == 0 {
		r.settle(fs, StatusRestored, "nothing left to instrument; earlier injections removed")
		return
	}
	r.settle(fs, StatusInstrumented, "")
}

// lineCount counts lines, a last line without a newline included.
func lineCount(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// check refuses output the language does not accept, and output from which
// --remove could not give back the original: either would leave the user a
// file we must never write.
func (r *run) check(ctx context.Context, fs *fileState, out []byte) error {
	l := r.opts.Languages[fs.orig.Lang]
	var back []byte
	var stripErr error
	if l.ValidateStrip != nil {
		var invalid error
		if back, stripErr, invalid = l.ValidateStrip(ctx, fs.orig, out); invalid != nil {
			return fmt.Errorf("instrumented file would not compile, left untouched: %w", invalid)
		}
	} else {
		if err := l.Validate(ctx, fs.orig, out); err != nil {
			return fmt.Errorf("instrumented file would not compile, left untouched: %w", err)
		}
		back, _, stripErr = l.Strip(out)
	}
	if stripErr != nil || !bytes.Equal(back, fs.orig.Src) {
		return fmt.Errorf("internal error: removing the injected code would not give back the original, left untouched")
	}
	return nil
}

// settle records a file's fate once.
func (r *run) settle(fs *fileState, status Status, reason string) {
	if fs.settled {
		return
	}
	fs.settled = true
	fs.report.Status = status
	fs.report.Reason = reason
	if status != StatusInstrumented && status != StatusUnchanged {
		// Only files that are as the run wants them count toward the
		// density.
		fs.report.SourceLines, fs.report.InjectedLines, fs.report.AddedLines = 0, 0, 0
		// Constructs that were sent for a decision but whose file was not
		// written are reported as such, never as instrumented.
		for i := range fs.constructs {
			if fs.pending[i] && fs.outcomes[i] == nil {
				fs.report.count(fs.constructs[i].Kind, OutcomeNotWritten)
			}
		}
	}
	if r.opts.OnFileDone != nil {
		r.opts.OnFileDone(fs.report)
	}
}

func (r *run) report(ctx context.Context) *Report {
	rep := &Report{DryRun: r.opts.DryRun}
	for _, fs := range r.files {
		if !fs.settled {
			reason := "not reached"
			if ctx.Err() != nil {
				reason = "interrupted"
			}
			r.settle(fs, StatusNotProcessed, reason)
		}
		rep.add(fs.report)
	}
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].Path < rep.Files[j].Path })
	rep.RuntimeFiles = r.runtimeList()
	rep.RuntimesKept = r.kept
	return rep
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/golang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/javascript"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/python"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// run does one instrumentation (or removal) run.
func run(ctx context.Context, opts *Options) error {
	start := time.Now()
	if opts.Check {
		// A check is a dry run whose diff nobody reads: it writes nothing
		// (no lock either) and only asks whether anything would change.
		opts.DryRun = true
	}
	list, closeLangs := languageList()
	defer closeLangs()
	root, files, skipped, err := scanPath(ctx, opts, lang.Scanned(list))
	if err != nil {
		return interrupted(nil, err)
	}
	// Files read before the lock are safe: every write checks the file
	// still holds what was read.
	g, err := lockTree(root, opts)
	if err != nil {
		return err
	}
	defer g.release()
	if err := g.cleanTemp(opts, root, files); err != nil {
		return err
	}
	langs := byName(list)
	if !opts.Remove {
		opts.notes = append(opts.notes, typeScriptNote(files)...)
	}

	kinds, _ := opts.kinds()
	policy, _ := opts.policy()
	var diff strings.Builder
	var changes changeList
	popts := pipeline.Options{
		Root:      root,
		Files:     files,
		Languages: langs,
		Kinds:     kinds,
		Policy:    policy,
		DryRun:    opts.DryRun,
		TempDir:   g.tempDir,
		Force:     opts.Force,
	}
	if opts.DryRun {
		popts.Diff = &diff
		switch {
		case opts.Check:
			popts.Diff = &changes
		case !opts.JSON:
			popts.Diff = opts.IO.Out
		}
	}

	var rep *pipeline.Report
	var stats *dispatch.Stats
	var est *costEstimate
	if opts.Remove {
		rep, err = pipeline.Remove(ctx, popts)
	} else {
		d, derr := newDecider(ctx, opts, root)
		if derr != nil {
			return derr
		}
		defer d.Close()
		ctx, d.cancel = context.WithCancel(ctx)
		defer d.cancel()
		popts.Decider = d
		stats = d.Stats
		// An LLM run shows its requests' progress; an offline one, files.
		var progress iostreams.Progress = nopProgress{}
		if stats == nil && !opts.Quiet {
			progress = opts.IO.NewProgress(len(files), "files", opts.Verbose)
		}
		popts.OnFileDone = func(pipeline.FileReport) { progress.Add(1) }
		rep, err = pipeline.Run(ctx, popts)
		progress.Finish()
		if d.estimate != nil {
			est = d.estimate.figures
		}
		if errors.Is(d.Err(), errDeclined) {
			return errDeclined
		}
		if derr := d.Err(); derr != nil && err == nil {
			err = stopError(string(d.Stats.Provider), derr)
		}
	}
	elapsed := time.Since(start)

	switch {
	case opts.JSON:
		if werr := writeJSON(opts.IO.Out, rep, skipped, stats, est, diff.String(), elapsed); werr != nil {
			return werr
		}
	case opts.Check:
		if changes := printCheck(opts.IO, rep, &changes, opts.Quiet); changes > 0 && err == nil {
			err = errWouldChange
		}
	case !opts.Quiet:
		printSummary(opts.IO.ErrOut, rep, skipped, stats, elapsed, opts)
	}
	if err != nil {
		return interrupted(rep, err)
	}
	if rep.ByStatus[pipeline.StatusFailed]+rep.ByStatus[pipeline.StatusChanged] > 0 || stillImported(rep) {
		return errIncomplete
	}
	return nil
}

// scanPath finds the files under the path the user gave, which may be a
// folder or a single file.
func scanPath(ctx context.Context, opts *Options, langs scan.Languages) (string, []source.File, []scan.Skip, error) {
	abs, err := filepath.Abs(opts.Path)
	if err != nil {
		return "", nil, nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil, nil, fmt.Errorf("%s does not exist", opts.Path)
		}
		return "", nil, nil, err
	}
	root := abs
	if !info.IsDir() {
		root = filepath.Dir(abs)
	}
	globs := opts.excludedGlobs()
	// --remove looks past the default excludes: a run with
	// --no-default-excludes instrumented the tests, and a removal that
	// skipped them left them instrumented and had to keep the runtime they
	// import. Files there that carry nothing injected are left as they are.
	defaults := !opts.NoDefaultExcludes && !opts.Remove
	if defaults {
		// The defaults come first so that a user's "!tests/" re-includes.
		globs = append(scan.DefaultExcludes(), globs...)
	}
	if opts.Verbose {
		if opts.ConfigFile != "" {
			fmt.Fprintf(opts.IO.ErrOut, "Settings from %s\n", opts.ConfigFile)
		}
		if defaults {
			fmt.Fprintf(opts.IO.ErrOut, "Left out by default (--no-default-excludes or !PATTERN to include): %s\n", strings.Join(scan.DefaultExcludes(), " "))
		}
	}
	res, err := scan.Walk(ctx, abs, scan.Options{Exclude: globs, Languages: langs})
	if err != nil {
		return "", nil, nil, fmt.Errorf("scanning %s: %w", opts.Path, err)
	}
	return root, res.Files, res.Skipped, nil
}

// languages builds the supported languages, the one list of them: adding
// a language is a package under internal/lang and a line here. Only this
// package names them.
func languageList() ([]*lang.Language, func()) {
	py := python.New(python.Options{})
	js, ts := javascript.New(javascript.Options{})
	goLang := golang.New(golang.Options{})
	list := []*lang.Language{&py, &js, &ts, &goLang}
	return list, func() {
		for _, l := range list {
			if l.Close != nil {
				_ = l.Close()
			}
		}
	}
}

// languages builds the supported languages, keyed by name as the
// pipeline takes them.
func languages() (map[source.Language]*lang.Language, func()) {
	list, closeLangs := languageList()
	return byName(list), closeLangs
}

func byName(list []*lang.Language) map[source.Language]*lang.Language {
	m := make(map[source.Language]*lang.Language, len(list))
	for _, l := range list {
		m[l.Name] = l
	}
	return m
}

// scanLanguages is what the scan needs of the supported languages, for
// callers that only scan.
func scanLanguages() scan.Languages {
	list, closeLangs := languageList()
	defer closeLangs()
	return lang.Scanned(list)
}

// jsonReport is the --json output: the pipeline's report plus the run's
// totals. Its field names are a documented interface.
type jsonReport struct {
	// SchemaVersion changes whenever a field changes meaning or goes away;
	// new fields may appear without it.
	SchemaVersion int `json:"schema_version"`
	*pipeline.Report
	AlreadyInstrumented int             `json:"already_instrumented_files"`
	SkippedFiles        []scan.Skip     `json:"skipped_files"`
	Requests            *dispatch.Stats `json:"requests,omitempty"`
	Estimate            *costEstimate   `json:"estimate,omitempty"`
	Diff                string          `json:"diff,omitempty"`
	Seconds             float64         `json:"seconds"`
}

func writeJSON(w io.Writer, rep *pipeline.Report, skipped []scan.Skip, stats *dispatch.Stats, est *costEstimate, diff string, elapsed time.Duration) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if skipped == nil {
		skipped = []scan.Skip{}
	}
	if rep.RuntimeFiles == nil {
		rep.RuntimeFiles = []string{}
	}
	if rep.Files == nil {
		rep.Files = []pipeline.FileReport{}
	}
	already := 0
	for _, f := range rep.Files {
		if f.Status == pipeline.StatusUnchanged && f.Reason == pipeline.ReasonAlreadyInstrumented {
			already++
		}
	}
	return enc.Encode(jsonReport{SchemaVersion: 1, Report: rep, AlreadyInstrumented: already, SkippedFiles: skipped, Requests: stats, Estimate: est, Diff: diff, Seconds: elapsed.Seconds()})
}

type nopProgress struct{}

func (nopProgress) Add(int)         {}
func (nopProgress) Describe(string) {}
func (nopProgress) Finish()         {}

// interrupted describes a run stopped by a signal in terms of the user's
// tree.
func interrupted(rep *pipeline.Report, err error) error {
	if !errors.Is(err, context.Canceled) {
		return err
	}
	if rep == nil {
		return &interruptedError{err: err}
	}
	written := rep.ByStatus[pipeline.StatusInstrumented] + rep.ByStatus[pipeline.StatusRestored]
	if rep.DryRun {
		written = 0
	}
	return &interruptedError{written: written, untouched: len(rep.Files) - written, err: err}
}

// typeScriptNote says how TypeScript output is validated, once per run with
// TypeScript files: with the project's own tsc, or only parsed (and why).
func typeScriptNote(files []source.File) []string {
	for _, f := range files {
		if f.Lang == source.TypeScript {
			return []string{javascript.FindTypeScript(f.Abs, "").Explain()}
		}
	}
	return nil
}

package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// printSummary writes the human summary: files by fate, constructs by kind
// and outcome, the requests made, and every file that was left alone with
// the reason, so nothing is skipped silently.
func printSummary(w io.Writer, rep *pipeline.Report, skipped []scan.Skip, stats *dispatch.Stats, elapsed time.Duration, opts *Options) {
	verb := "Instrumented"
	if opts.Remove {
		verb = "Restored"
	}
	if opts.DryRun {
		verb = "Would change (dry run)"
	}
	changed := rep.ByStatus[pipeline.StatusInstrumented] + rep.ByStatus[pipeline.StatusRestored]
	fmt.Fprintf(w, "%s %d of %d files in %s", verb, changed, len(rep.Files), elapsed.Round(time.Millisecond))
	var extra []string
	for _, s := range []pipeline.Status{pipeline.StatusUnchanged, pipeline.StatusSkipped, pipeline.StatusFailed, pipeline.StatusChanged, pipeline.StatusNotProcessed} {
		if n := rep.ByStatus[s]; n > 0 {
			extra = append(extra, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(skipped) > 0 {
		extra = append(extra, fmt.Sprintf("%d not scanned", len(skipped)))
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(extra, ", "))
	}
	fmt.Fprintln(w)

	if len(rep.Files) == 0 && len(skipped) == 0 {
		fmt.Fprintf(w, "  no Python, JavaScript or TypeScript files found under %s (tests, examples and docs are left out by default: --no-default-excludes includes them)\n", opts.Path)
	}
	already, alreadyConstructs := alreadyInstrumented(rep)
	if !opts.Remove {
		changed := changedConstructs(rep)
		for _, k := range source.Kinds {
			m := changed[k]
			if len(m) == 0 {
				continue
			}
			fmt.Fprintf(w, "  %-10s %s\n", string(k)+"s", outcomeLine(m))
		}
	}
	if already > 0 && !opts.Remove {
		fmt.Fprintf(w, "  already instrumented: %d files (%d constructs), unchanged\n", already, alreadyConstructs)
	}
	if !opts.Remove && rep.SourceLines > 0 {
		// Lines that carry injected code, whether added or written into:
		// Go and JavaScript add none, and their telemetry is noise all
		// the same.
		fmt.Fprintf(w, "  density    %.1f injected lines per 100 (%d lines carry telemetry, %d of them added, in %d source lines, --density %s)\n",
			rep.Density(), rep.InjectedLines, rep.AddedLines, rep.SourceLines, strings.ToLower(opts.Density))
	}
	for _, n := range opts.notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if stats != nil && stats.Requests+stats.CacheHits > 0 {
		fmt.Fprintf(w, "  requests   %s\n", stats.Line())
		if stats.CostUSD > 0 && rep.SourceLines > 0 {
			// Per source line is what scales to a user's own code base.
			fmt.Fprintf(w, "  cost       $%.4f, $%.4f per 1,000 source lines\n", stats.CostUSD, stats.CostUSD*1000/float64(rep.SourceLines))
		}
	}
	if len(rep.RuntimeFiles) > 0 {
		what := "runtime files"
		if opts.Remove {
			what = "runtime files removed"
		}
		fmt.Fprintf(w, "  %s: %s\n", what, strings.Join(rep.RuntimeFiles, ", "))
	}
	for _, f := range rep.Files {
		if f.Status == pipeline.StatusFailed || f.Status == pipeline.StatusSkipped || f.Status == pipeline.StatusChanged {
			fmt.Fprintf(w, "  %s %s: %s\n", f.Status, f.Path, f.Reason)
		}
	}
	for _, k := range rep.RuntimesKept {
		fmt.Fprintf(w, "  runtime file kept %s: %s\n", k.Path, k.Reason)
	}
	for _, s := range skipped {
		fmt.Fprintf(w, "  not scanned %s: %s\n", s.Path, s.Reason)
	}
	if opts.Verbose {
		for _, f := range rep.Files {
			for _, s := range f.Skips {
				fmt.Fprintf(w, "  left alone %s:%d %s %s: %s\n", f.Path, s.Line, s.Kind, s.Name, s.Reason)
			}
			for _, fb := range f.Fallbacks {
				fmt.Fprintf(w, "  fallback %s: %s\n", f.Path, fb)
			}
		}
	}
}

// outcomeLine renders one kind's counts, instrumented first.
func outcomeLine(m map[pipeline.Outcome]int) string {
	order := []pipeline.Outcome{
		pipeline.OutcomeLLM, pipeline.OutcomeCache, pipeline.OutcomeBuiltin, pipeline.OutcomeFallback,
		pipeline.OutcomeDeclined, pipeline.OutcomeTrimmed, pipeline.OutcomeSkipped, pipeline.OutcomeExcluded, pipeline.OutcomeNotWritten,
	}
	seen := map[pipeline.Outcome]bool{}
	var parts []string
	for _, o := range order {
		seen[o] = true
		if n := m[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	var rest []string
	for o := range m {
		if !seen[o] {
			rest = append(rest, fmt.Sprintf("%d %s", m[o], o))
		}
	}
	sort.Strings(rest)
	return strings.Join(append(parts, rest...), ", ")
}

// alreadyInstrumented counts the files a run found exactly as it would have
// left them, and the constructs instrumented in them.
func alreadyInstrumented(rep *pipeline.Report) (files, constructs int) {
	for _, f := range rep.Files {
		if f.Status != pipeline.StatusUnchanged || f.Reason != pipeline.ReasonAlreadyInstrumented {
			continue
		}
		files++
		for _, m := range f.Constructs {
			constructs += m[pipeline.OutcomeLLM] + m[pipeline.OutcomeBuiltin] + m[pipeline.OutcomeFallback] + m[pipeline.OutcomeCache]
		}
	}
	return files, constructs
}

// changedConstructs sums the constructs of every file this run changed or
// tried to, leaving out files that were already as wanted, so a re-run that
// changes nothing does not list their constructs as if it had instrumented
// them.
func changedConstructs(rep *pipeline.Report) map[source.Kind]map[pipeline.Outcome]int {
	out := map[source.Kind]map[pipeline.Outcome]int{}
	for _, f := range rep.Files {
		if f.Status == pipeline.StatusUnchanged && f.Reason == pipeline.ReasonAlreadyInstrumented {
			continue
		}
		for k, m := range f.Constructs {
			if out[k] == nil {
				out[k] = map[pipeline.Outcome]int{}
			}
			for o, n := range m {
				out[k][o] += n
			}
		}
	}
	return out
}

// changeList is the diff writer of a --check run: it keeps the names of
// the files whose patches pass through it (patch.Write writes one file's
// patch per call, starting with its "diff --git" line) and drops the rest.
type changeList struct{ names []string }

func (c *changeList) Write(p []byte) (int, error) {
	line, _, _ := strings.Cut(string(p), "\n")
	if rest, ok := strings.CutPrefix(line, "diff --git a/"); ok {
		if name, _, ok := strings.Cut(rest, " b/"); ok {
			c.names = append(c.names, name)
		}
	}
	return len(p), nil
}

// printCheck prints what --check found: each file a run would write, on
// standard output so CI logs and scripts can use the list, files that could
// not be processed, and a one-line verdict on standard error. It returns
// the number of files that would change.
func printCheck(ios *iostreams.IOStreams, rep *pipeline.Report, changes *changeList, quiet bool) int {
	names := append([]string{}, changes.names...)
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(ios.Out, "would change: %s\n", n)
	}
	for _, f := range rep.Files {
		if f.Status == pipeline.StatusFailed || f.Status == pipeline.StatusSkipped {
			fmt.Fprintf(ios.ErrOut, "%s %s: %s\n", f.Status, f.Path, f.Reason)
		}
	}
	if !quiet {
		if len(names) == 0 {
			fmt.Fprintf(ios.ErrOut, "%d files checked: instrumented as configured\n", len(rep.Files))
		} else {
			fmt.Fprintf(ios.ErrOut, "%d files would change (of %d checked, runtime files included): run telemetry-inject without --check to update them\n", len(names), len(rep.Files))
		}
	}
	return len(names)
}

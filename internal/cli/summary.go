package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
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

	if !opts.Remove {
		for _, k := range source.Kinds {
			m := rep.Constructs[k]
			if len(m) == 0 {
				continue
			}
			fmt.Fprintf(w, "  %-10s %s\n", string(k)+"s", outcomeLine(m))
		}
	}
	if stats != nil && stats.Requests+stats.CacheHits > 0 {
		fmt.Fprintf(w, "  requests   %s\n", stats.Line())
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
		pipeline.OutcomeDeclined, pipeline.OutcomeSkipped, pipeline.OutcomeExcluded, pipeline.OutcomeNotWritten,
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

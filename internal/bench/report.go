package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

// Row is one measured run: a scenario under one runner (the engine,
// sequential mode, or the seed's naive design).
type Row struct {
	// Scenario names the scenario, "(a) hosted, rate-bound" say.
	Scenario string
	// Runner is "engine", "sequential" or "naive".
	Runner string
	// N is the number of requests.
	N int
	// Wall is how long the run took; Bound the theoretical minimum from
	// the limits, service times and N; Efficiency is Bound/Wall.
	Wall, Bound time.Duration
	Efficiency  float64
	// Status429 and Status503 are what the server answered.
	Status429, Status503 int
	// Retries counts attempts beyond each request's first.
	Retries int
	// P50 and P95 are latency percentiles of successful attempts.
	P50, P95 time.Duration
	// PeakInFlight is the most requests in flight; Limit the engine's
	// concurrency limit at the end (summed over hosts).
	PeakInFlight, Limit int
	// OK and Failed count requests; Malformed those failed with a
	// malformed answer (the pipeline's built-in fallback).
	OK, Failed, Malformed int
	// Groups describes when files finished (smart-queuing rows).
	Groups engine.GroupStats
	// Note holds scenario-specific figures (work per host, speedup).
	Note string
	// Goal is the goal in words; empty for contrast rows.
	Goal string
	// Pass reports whether the goal was met (meaningless without Goal).
	Pass bool

	// slots is how a slot server spent its time (peer scenarios).
	slots SlotTime
}

// Report is a whole benchmark run.
type Report struct {
	// Rows are in the order they ran.
	Rows []Row
	// Pass reports whether every goal was met.
	Pass bool
}

func (r *Report) add(w io.Writer, row Row) {
	r.Rows = append(r.Rows, row)
	if row.Goal != "" && !row.Pass {
		r.Pass = false
	}
	printRows(w, []Row{row}, len(r.Rows) == 1)
}

// printRows writes rows as fixed-width text (rows are printed one at a
// time as they are measured, so a tabwriter could not align them), with a
// header first if asked.
func printRows(w io.Writer, rows []Row, header bool) {
	const format = "%-28s %-11s %5s %7s %7s %5s %5s %5s %7s %6s %6s %5s %5s %10s  %s\n"
	if header {
		fmt.Fprintf(w, format, "scenario", "runner", "N", "wall", "bound", "eff", "429s", "503s", "retries", "p50", "p95", "peak", "limit", "ok/failed", "result")
	}
	for _, r := range rows {
		verdict := "-"
		if r.Goal != "" {
			verdict = "FAIL"
			if r.Pass {
				verdict = "PASS"
			}
			verdict += " (" + r.Goal + ")"
		}
		fmt.Fprintf(w, format, r.Scenario, r.Runner, fmt.Sprint(r.N), secs(r.Wall), secs(r.Bound), fmt.Sprintf("%.2f", r.Efficiency),
			fmt.Sprint(r.Status429), fmt.Sprint(r.Status503), fmt.Sprint(r.Retries), ms(r.P50), ms(r.P95),
			fmt.Sprint(r.PeakInFlight), dash(r.Limit), fmt.Sprintf("%d/%d", r.OK, r.Failed), verdict)
		if r.Note != "" {
			fmt.Fprintf(w, "    %s\n", r.Note)
		}
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%dms", d.Milliseconds()) }
func dash(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// groupLine describes group completion in words.
func groupLine(g engine.GroupStats, wall time.Duration) string {
	return fmt.Sprintf("%d files: first done at %s (%.0f%% of wall), median %s, last %s, longest gap between files %s",
		g.Count, secs(g.First), 100*g.First.Seconds()/wall.Seconds(), secs(g.Median), secs(g.Last), secs(g.MaxGap))
}

// groupsOf computes group completion from per-request finish times, for
// runs the engine did not group itself.
func groupsOf(files []string, finished []time.Duration) engine.GroupStats {
	last := map[string]time.Duration{}
	for i, f := range files {
		last[f] = max(last[f], finished[i])
	}
	var t []time.Duration
	for _, d := range last {
		t = append(t, d)
	}
	slices.Sort(t)
	g := engine.GroupStats{Count: len(t)}
	if len(t) == 0 {
		return g
	}
	g.First, g.Median, g.Last, g.MaxGap = t[0], t[len(t)/2], t[len(t)-1], t[0]
	for i := 1; i < len(t); i++ {
		g.MaxGap = max(g.MaxGap, t[i]-t[i-1])
	}
	return g
}

// shares renders each host's share of the successful requests.
func shares(names []string, counts []int) string {
	total := 0
	for _, c := range counts {
		total += c
	}
	var parts []string
	for i, c := range counts {
		parts = append(parts, fmt.Sprintf("%s %d (%.0f%%)", names[i], c, 100*float64(c)/float64(max(1, total))))
	}
	return strings.Join(parts, ", ")
}

package realcorpus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// overheadSuites are the corpus's projects whose suites the overhead
// benchmark times: CPython's own tests of two stdlib modules, a Debian
// package's pytest suite and two npm packages' tape suites.
var overheadSuites = []string{"cpython:json", "cpython:argparse", "debian:toolz", "npm:qs", "npm:fast-uri"}

// overheadVariant is one way of running a suite.
type overheadVariant struct {
	name string
	// instrumented runs the instrumented copy rather than the original.
	instrumented bool
	// file exports spans to a file (TELEMETRY_INJECT_FILE).
	file bool
}

var overheadVariants = []overheadVariant{{"original", false, false}, {"export off", true, false}, {"file export", true, true}}

// BenchmarkSuiteOverhead measures what instrumentation with the shipped
// defaults (offline planner, --density low) costs real test suites: each
// round runs the original, the instrumented copy with telemetry export
// off, and the instrumented copy exporting to a file, in a rotating order,
// and the medians over the rounds give the ratios to the original, of wall
// time and of CPU time (the figure a loaded machine disturbs least). The
// first round also writes Python's byte-code caches.
// Issue 11's goals: export off ≤ 1.10×, file export ≤ 2×.
//
//	go test -run XXX -bench SuiteOverhead -benchtime 5x -timeout 30m ./internal/realcorpus
func BenchmarkSuiteOverhead(b *testing.B) {
	if testing.Short() {
		b.Skip("runs real suites for minutes; run without -short")
	}
	bin := buildCLI(b)
	ctx := b.Context()
	projects := map[string]project{}
	for _, p := range corpusProjects(ctx) {
		projects[p.name] = p
	}
	for _, name := range overheadSuites {
		b.Run(name, func(b *testing.B) {
			p, ok := projects[name]
			if !ok {
				b.Fatalf("%s is not in the corpus", name)
			}
			if missing := missingDebs(ctx, p.debs); len(missing) > 0 {
				b.Skipf("Debian packages not installed: %s", strings.Join(missing, " "))
			}
			orig, inst := overheadSetup(ctx, b, bin, p)
			spans := filepath.Join(b.TempDir(), "spans.jsonl")
			wall := make([][]time.Duration, len(overheadVariants))
			cpu := make([][]time.Duration, len(overheadVariants))
			var want counts
			exported := 0
			round := 0
			for b.Loop() {
				for k := range overheadVariants {
					i := (round + k) % len(overheadVariants)
					v := overheadVariants[i]
					s := orig
					if v.instrumented {
						s = inst
					}
					// Python caches byte-code as an installed program
					// does: the corpus writes none (its round trip must
					// be byte-exact), so every run, and every subprocess
					// a suite starts (test_json's json.tool tests), would
					// compile the sources and the runtime anew.
					env := []string{"PYTHONDONTWRITEBYTECODE="}
					if v.file {
						env = append(env, "TELEMETRY_INJECT_FILE="+spans)
					}
					runCtx := withEnv(ctx, env...)
					out, err := s.run(runCtx)
					if err != nil {
						b.Fatalf("%s, %s: %v", name, v.name, err)
					}
					if round == 0 && i == 0 {
						want = out.counts
					}
					if out.counts != want || out.res.timedOut {
						b.Logf("%s, %s: counted %s against %s first (timed out %v)", name, v.name, out.counts, want, out.res.timedOut)
					}
					wall[i] = append(wall[i], out.res.elapsed)
					cpu[i] = append(cpu[i], out.res.cpu)
					if v.file {
						exported = countLines(b, spans)
						if err := os.Remove(spans); err != nil && !os.IsNotExist(err) {
							b.Fatal(err)
						}
					}
				}
				round++
			}
			if exported == 0 {
				b.Errorf("%s: the file export wrote no span", name)
			}
			report(b, name, wall, cpu, exported)
		})
	}
}

// overheadSetup sets p up twice, and instruments the second copy with the
// tool's defaults.
func overheadSetup(ctx context.Context, b *testing.B, bin string, p project) (orig, inst suite) {
	b.Helper()
	var err error
	// The corpus's setups take a *testing.T they do not use for these
	// projects; a benchmark has none to give.
	if orig, err = p.setup(ctx, nil, b.TempDir()); err != nil {
		b.Skipf("%s: %v", p.name, err)
	}
	if inst, err = p.setup(ctx, nil, b.TempDir()); err != nil {
		b.Skipf("%s: %v", p.name, err)
	}
	if _, err := instrument(ctx, bin, inst.root); err != nil {
		b.Fatalf("instrumenting %s: %v", p.name, err)
	}
	return orig, inst
}

// report logs a row of medians and reports the ratios as metrics.
func report(b *testing.B, name string, wall, cpu [][]time.Duration, spans int) {
	mw, mc := make([]time.Duration, len(wall)), make([]time.Duration, len(cpu))
	for i := range wall {
		mw[i], mc[i] = median(wall[i]), median(cpu[i])
	}
	ratio := func(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }
	b.ReportMetric(ratio(mw[1], mw[0]), "off/orig-wall")
	b.ReportMetric(ratio(mw[2], mw[0]), "file/orig-wall")
	b.ReportMetric(ratio(mc[1], mc[0]), "off/orig-cpu")
	b.ReportMetric(ratio(mc[2], mc[0]), "file/orig-cpu")
	b.ReportMetric(float64(spans), "spans/run")
	b.Logf("%s (median of %d rounds): original %s wall %s CPU; export off %.2f× wall %.2f× CPU; file export %.2f× wall %.2f× CPU (%d spans; load average %s)",
		name, len(wall[0]), mw[0].Round(time.Millisecond), mc[0].Round(time.Millisecond),
		ratio(mw[1], mw[0]), ratio(mc[1], mc[0]), ratio(mw[2], mw[0]), ratio(mc[2], mc[0]), spans, loadAverage())
}

// loadAverage returns the 1, 5 and 15-minute load averages as the kernel
// reports them, "unknown" where it does not: the ratios are taken in one
// run, but how loaded the machine was says how far to trust them.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// countLines counts the lines of the file at path, 0 when it is missing.
func countLines(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Count(data, []byte("\n"))
}

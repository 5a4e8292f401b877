package realcorpus

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// knownFailures lists projects whose instrumented run is known not to match
// the original yet, each with the reason. A listed mismatch is logged and
// summed up instead of failing the test, so main stays green while a fix
// lands; a listed project that matches fails the test, so the entry is
// removed the day it is fixed and the list only shrinks. Keep the reason
// concrete: the first error line and the issue that tracks it.
var knownFailures = map[string]string{
	// None at present. The last, cpython:pdb (test_pdb expects a
	// breakpoint at pdb.py:97), passes since the runtime import is
	// appended to a line the module already has.
}

// project is one real project of the corpus: how to set it up from the
// registries, and how to run its own suite or check.
type project struct {
	name string
	// debs are the Debian packages it needs; missing ones fail the test in
	// CI and skip it elsewhere.
	debs []string
	// parsesAll is set where every source file is known to be valid for
	// the language (an npm package's published code, which node or tsc
	// runs): a file the tool skips as not parsing is then a problem.
	parsesAll bool
	// flags are added to the CLI's default settings (--density high where
	// the default instruments too little of a small package).
	flags []string
	// allOrNothing fails the project when the CLI leaves a file untouched
	// because its own checks rejected the output: safe, but a gap.
	allOrNothing bool
	// setup copies or installs the project under work and returns the
	// folder that is instrumented and the way its suite is run.
	setup func(ctx context.Context, t *testing.T, work string) (suite, error)
}

// suite runs a project's own tests or checks on whatever is in its folder
// (pristine or instrumented) and counts the outcome.
type suite struct {
	// root is the folder instrumented, and compared byte for byte after
	// --remove.
	root string
	// run runs the suite and counts it.
	run func(ctx context.Context) (outcome, error)
	// loaded, when set, fails unless the code the suite runs is really the
	// copy under root (a stdlib module could be shadowed by nothing).
	loaded func(ctx context.Context, instrumented bool) error
}

// counts are a suite's totals. For a type-check, failed is the number of
// errors tsc reported and passed is 1 when it exited 0.
type counts struct{ passed, failed, skipped, errors int }

func (c counts) String() string {
	return fmt.Sprintf("%d/%d/%d/%d", c.passed, c.failed, c.skipped, c.errors)
}

// outcome is one run of a suite: its counts, the status of each test case
// (to name the ones that changed), and the run itself.
type outcome struct {
	counts counts
	// cases maps a test's id to its status ("passed", "failed", "skipped",
	// "error") and, for a failure, the first lines of its message.
	cases map[string]caseResult
	res   result
}

type caseResult struct {
	status  string
	message string
}

// row is one line of the corpus table.
type row struct {
	name                   string
	files, constructs      int
	baseline, instrumented counts
	baseTime, instTime     time.Duration
	// instrumentTime is how long telemetry-inject took on the copy.
	instrumentTime time.Duration
	roundTrip      string
	verdict        string
	firstFailure   string
	// flaky names the test cases that changed status between runs of the
	// same tree, when reruns were needed for the trees to match.
	flaky []string
}

// TestCorpus instruments each project of the corpus with the real binary
// and requires its own suite to count the same as on the original, and
// --remove to give back every byte.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the real-project corpus takes minutes; run without -short")
	}
	bin := buildCLI(t)
	ctx := t.Context()
	var mu sync.Mutex
	var rows []row
	t.Run("projects", func(t *testing.T) {
		for _, p := range corpusProjects(ctx) {
			t.Run(p.name, func(t *testing.T) {
				t.Parallel()
				r := row{name: p.name}
				// Deferred, so a project that ends in Fatal or Skip still
				// gets its row.
				defer func() {
					mu.Lock()
					rows = append(rows, r)
					mu.Unlock()
				}()
				if missing := missingDebs(ctx, p.debs); len(missing) > 0 {
					notInstalled(t, &r, fmt.Errorf("Debian packages not installed: %s (bash .ci/run installs them)", strings.Join(missing, " ")))
				}
				runProject(ctx, t, bin, p, &r)
			})
		}
	})
	table := formatTable(rows)
	t.Log("\n" + table)
	if path := os.Getenv("TELEMETRY_INJECT_CORPUS_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("writing the corpus report: %v", err)
		}
	}
}

// notInstalled ends a project that could not be set up: in CI (CI=true)
// that is a failure naming what is missing, since a corpus that silently
// shrinks proves nothing; on a developer's machine it is a skip.
func notInstalled(t *testing.T, r *row, err error) {
	r.verdict, r.firstFailure = "NOT INSTALLED", err.Error()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s cannot be set up: %v", r.name, err)
	}
	t.Skipf("%s cannot be set up: %v", r.name, err)
}

// runProject sets p up, runs its suite on the pristine copy, instruments
// it, runs the suite again, removes the instrumentation and compares,
// filling in r.
func runProject(ctx context.Context, t *testing.T, bin string, p project, r *row) {
	fail := func(format string, args ...any) {
		r.verdict = "ERROR"
		r.firstFailure = fmt.Sprintf(format, args...)
		t.Error(r.firstFailure)
	}
	s, err := p.setup(ctx, t, t.TempDir())
	if err != nil {
		notInstalled(t, r, err)
	}
	if s.loaded != nil {
		if err := s.loaded(ctx, false); err != nil {
			fail("pristine copy: %v", err)
			return
		}
	}
	base, err := s.run(ctx)
	if err != nil {
		fail("baseline: %v", err)
		return
	}
	r.baseline, r.baseTime = base.counts, base.res.elapsed
	// A baseline that ran nothing would make any instrumented run "match".
	if base.res.timedOut || base.counts.passed == 0 {
		fail("baseline ran no passing test (exit %d, timed out %v):\n%s", base.res.exitCode, base.res.timedOut, tail(base.res.output, 15))
		return
	}
	before, err := snapshot(s.root)
	if err != nil {
		fail("reading the pristine copy: %v", err)
		return
	}
	start := time.Now()
	rep, err := instrument(ctx, bin, s.root, p.flags...)
	r.instrumentTime = time.Since(start)
	if err != nil {
		fail("instrumenting: %v", err)
		return
	}
	r.files, r.constructs = rep.instrumented(), rep.injected()
	if r.files == 0 {
		fail("telemetry-inject instrumented no file of %s", s.root)
		return
	}
	var problems []string
	if bad := rep.unparsed(); p.parsesAll && len(bad) > 0 {
		problems = append(problems, fmt.Sprintf("%d files skipped as not parsing:\n  %s", len(bad), strings.Join(bad, "\n  ")))
	}
	if bad := rep.failed(); p.allOrNothing && len(bad) > 0 {
		problems = append(problems, fmt.Sprintf("%d files left untouched by failed checks:\n  %s", len(bad), strings.Join(bad, "\n  ")))
	}
	if s.loaded != nil {
		if err := s.loaded(ctx, true); err != nil {
			problems = append(problems, "instrumented copy: "+err.Error())
		}
	}
	inst, err := s.run(ctx)
	if err != nil {
		fail("instrumented run: %v", err)
		return
	}
	r.instrumented, r.instTime = inst.counts, inst.res.elapsed
	// Real suites have timing tests that fail now and then on a loaded
	// machine, on either tree. Reruns settle a mismatch: the trees count
	// as the same when some run of the original matches some run of the
	// instrumented copy case by case. The instrumented copy is rerun now,
	// the original after --remove has restored it.
	runs := runSet{base: []outcome{base}, inst: []outcome{inst}}
	for len(runs.inst) <= flakyReruns && !runs.match() {
		again, err := s.run(ctx)
		if err != nil {
			fail("instrumented rerun: %v", err)
			return
		}
		runs.inst = append(runs.inst, again)
	}
	r.roundTrip = "ok"
	if _, err := runCLI(ctx, bin, s.root, "--remove"); err != nil {
		r.roundTrip = "remove failed"
		problems = append(problems, "--remove: "+err.Error())
	} else if after, err := snapshot(s.root); err != nil {
		fail("reading the restored copy: %v", err)
		return
	} else if d := diffSnapshots(before, after); len(d) > 0 {
		r.roundTrip = fmt.Sprintf("%d files differ", len(d))
		if len(d) > 5 {
			d = append(d[:5], "…")
		}
		problems = append(problems, "--remove did not restore every byte:\n  "+strings.Join(d, "\n  "))
	}
	for r.roundTrip == "ok" && len(runs.base) <= flakyReruns && !runs.match() {
		again, err := s.run(ctx)
		if err != nil {
			fail("baseline rerun: %v", err)
			return
		}
		runs.base = append(runs.base, again)
	}
	switch {
	case !runs.match():
		problems = append([]string{"suite: " + describeChange(base, inst)}, problems...)
	case len(runs.base)+len(runs.inst) > 2:
		r.flaky = runs.flakyCases()
		t.Logf("%s: flaky on its own (%d runs of the original, %d instrumented until one pair matched): %s",
			r.name, len(runs.base), len(runs.inst), strings.Join(r.flaky, ", "))
	}
	*r = judge(t, *r, problems)
}

// flakyReruns is how many times each tree's suite is run again when the
// first runs differ: enough to ride out a timing test that fails one run
// in a few on a loaded machine, few enough that a real difference costs
// only seconds more.
const flakyReruns = 2

// runSet is every run of a project's suite on the original (base) and on
// the instrumented copy (inst).
type runSet struct{ base, inst []outcome }

// match reports whether some run of the original and some run of the
// instrumented copy agree on counts, exit code and every case's status.
func (rs runSet) match() bool {
	for _, b := range rs.base {
		for _, i := range rs.inst {
			if sameOutcome(b, i) {
				return true
			}
		}
	}
	return false
}

// flakyCases names the test cases whose status differed between runs, on
// either tree; when only counts differ it says so.
func (rs runSet) flakyCases() []string {
	seen := map[string]string{}
	flaky := map[string]bool{}
	for _, o := range append(append([]outcome(nil), rs.base...), rs.inst...) {
		for id, c := range o.cases {
			if was, ok := seen[id]; ok && was != c.status {
				flaky[id] = true
			}
			seen[id] = c.status
		}
	}
	if len(flaky) == 0 {
		return []string{"counts varied between runs"}
	}
	return sortedKeys(flaky)
}

func sameOutcome(a, b outcome) bool {
	return a.counts == b.counts && !a.res.timedOut && !b.res.timedOut &&
		a.res.exitCode == b.res.exitCode && sameCases(a, b)
}

// judge turns the problems found into the row's verdict and the test's
// result, honouring knownFailures both ways.
func judge(t *testing.T, r row, problems []string) row {
	r, failure, logged := verdict(r, problems, knownFailures)
	if failure != "" {
		t.Error(failure)
	}
	if logged != "" {
		t.Log(logged)
	}
	return r
}

// verdict decides a project's row from its problems and the known-failure
// list: what the test must fail with (failure) and what it only logs.
func verdict(r row, problems []string, known map[string]string) (_ row, failure, logged string) {
	reason, listed := known[r.name]
	switch {
	case len(problems) == 0 && listed:
		r.verdict = "FIXED"
		return r, fmt.Sprintf("%s matches its original now: take it out of knownFailures (it was listed for %q)", r.name, reason), ""
	case len(problems) == 0 && len(r.flaky) > 0:
		r.verdict = "ok (flaky)"
		r.firstFailure = "changed between runs of the same tree: " + strings.Join(r.flaky, ", ")
		return r, "", ""
	case len(problems) == 0:
		r.verdict = "ok"
		return r, "", ""
	case listed:
		r.verdict = "known failure"
		r.firstFailure = headline(problems[0])
		return r, "", fmt.Sprintf("known failure (%s):\n%s", reason, strings.Join(problems, "\n"))
	default:
		r.verdict = "FAIL"
		r.firstFailure = headline(problems[0])
		return r, fmt.Sprintf("%s differs from its original once instrumented:\n%s", r.name, strings.Join(problems, "\n")), ""
	}
}

// describeChange names the counts before and after and the first test
// cases whose status changed, with their messages, or else the end of the
// instrumented run's output.
func describeChange(base, inst outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "passed/failed/skipped/errors %s became %s (exit %d became %d", base.counts, inst.counts, base.res.exitCode, inst.res.exitCode)
	if inst.res.timedOut {
		b.WriteString(", timed out")
	}
	b.WriteString(")")
	changed := 0
	for _, id := range sortedKeys(inst.cases) {
		c := inst.cases[id]
		if was, ok := base.cases[id]; ok && was.status == c.status {
			continue
		}
		if changed++; changed > 5 {
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s %s", id, c.status, clip(c.message, 300))
	}
	missing := 0
	for id := range base.cases {
		if _, ok := inst.cases[id]; !ok {
			missing++
		}
	}
	if missing > 0 {
		fmt.Fprintf(&b, "\n  %d test cases of the original did not run", missing)
	}
	if changed == 0 {
		b.WriteString("\n" + tail(inst.res.output, 12))
	}
	return b.String()
}

// sameCases reports whether every test case has the same status in both
// runs: equal totals can hide one test that now fails and another that now
// passes, and a case renamed (an ES module's exports) shows up here.
func sameCases(a, b outcome) bool {
	if len(a.cases) != len(b.cases) {
		return false
	}
	for id, c := range a.cases {
		if d, ok := b.cases[id]; !ok || d.status != c.status {
			return false
		}
	}
	return true
}

// formatTable renders the rows as a Markdown table, sorted by project.
func formatTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| project | files | constructs | instrument time | baseline p/f/s/e | time | instrumented p/f/s/e | time | --remove | verdict | first failure |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	byName := map[string]row{}
	for _, r := range rows {
		byName[r.name] = r
	}
	for _, name := range sortedKeys(byName) {
		r := byName[name]
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.name, r.files, r.constructs, r.instrumentTime.Round(100*time.Millisecond), r.baseline, r.baseTime.Round(100*time.Millisecond),
			r.instrumented, r.instTime.Round(100*time.Millisecond), r.roundTrip, r.verdict,
			strings.ReplaceAll(clip(strings.ReplaceAll(r.firstFailure, "|", "\\|"), 400), "\n", " ⏎ "))
	}
	return b.String()
}

// headline is a problem's first line, and for a suite mismatch the first
// test case that changed too, for the table; the test log has the rest.
func headline(problem string) string {
	lines := strings.SplitN(problem, "\n", 3)
	if len(lines) > 1 && strings.HasPrefix(problem, "suite:") {
		return lines[0] + "\n" + strings.TrimSpace(lines[1])
	}
	return lines[0]
}

// sortedKeys returns m's keys in order, for stable reports.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pythonPath is Debian's interpreter: the packages under test are installed
// for it, not for whatever python3 comes first on PATH.
const pythonPath = "/usr/bin/python3"

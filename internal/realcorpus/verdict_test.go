package realcorpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerdict pins the known-failure rules: a listed mismatch is logged, an
// unlisted one fails, and a listed project that matches fails so that its
// entry is removed.
func TestVerdict(t *testing.T) {
	known := map[string]string{"listed": "circular import of random"}
	problems := []string{"suite: 1/0/0/0 became 0/1/0/0\n  t::x: failed boom\n  more", "--remove: x"}
	cases := []struct {
		name, project string
		problems      []string
		verdict       string
		fails, logs   bool
		firstFailure  string
	}{
		{"clean", "other", nil, "ok", false, false, ""},
		{"mismatch", "other", problems, "FAIL", true, false, "suite: 1/0/0/0 became 0/1/0/0\nt::x: failed boom"},
		{"known mismatch", "listed", problems, "known failure", false, true, "suite: 1/0/0/0 became 0/1/0/0\nt::x: failed boom"},
		{"fixed", "listed", nil, "FIXED", true, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, failure, logged := verdict(row{name: c.project}, c.problems, known)
			if r.verdict != c.verdict || (failure != "") != c.fails || (logged != "") != c.logs || r.firstFailure != c.firstFailure {
				t.Errorf("verdict = %q, failure %q, logged %q, first failure %q", r.verdict, failure, logged, r.firstFailure)
			}
			if c.verdict == "FIXED" && !strings.Contains(failure, "take it out of knownFailures") {
				t.Errorf("a fixed project must say to remove its entry: %q", failure)
			}
		})
	}
}

// TestCountTAP checks the TAP counts on tape's own output shapes, and that
// a run that died before its plan counts an error and so never matches.
func TestCountTAP(t *testing.T) {
	out := "TAP version 13\n# parse\nok 1 should be equal\nnot ok 2 should be deep equal\n  ---\n    operator: deepEqual\n    expected: 1\n    actual:   2\n  ...\nok 3 skipped one # SKIP\nok 4 should be equal\n\n1..4\n# tests 4\n# pass  3\n# fail  1\n"
	o := countTAP(result{output: out})
	if want := (counts{passed: 2, failed: 1, skipped: 1}); o.counts != want {
		t.Errorf("counts = %v, want %v", o.counts, want)
	}
	if c := o.cases["should be deep equal #1"]; c.status != "failed" || !strings.Contains(c.message, "expected: 1") {
		t.Errorf("failed case = %+v", c)
	}
	if o.cases["should be equal #2"].status != "passed" {
		t.Errorf("a repeated description must get its own case: %v", o.cases)
	}
	// es-to-primitive names cases after new Date(): a run a second later
	// must name the same cases.
	early := countTAP(result{output: "ok 1 toPrimitive(Mon Nov 30 2026 02:52:51 GMT+0000 (Coordinated Universal Time)) returns x\nok 2 at 2026-11-30T02:52:51.123Z\n# tests 2\n"})
	late := countTAP(result{output: "ok 1 toPrimitive(Mon Nov 30 2026 02:53:07 GMT+0000 (Coordinated Universal Time)) returns x\nok 2 at 2026-11-30T02:53:07.001Z\n# tests 2\n"})
	if !sameCases(early, late) {
		t.Errorf("cases named after the clock differ between runs: %v and %v", early.cases, late.cases)
	}
	crashed := countTAP(result{output: "TAP version 13\nok 1 a\n/x.js:3\nTypeError: boom\n", exitCode: 1})
	if crashed.counts.errors != 1 {
		t.Errorf("a run without its plan must count an error: %v", crashed.counts)
	}
}

// TestMissingDebs checks the detection that decides between a skip and, in
// CI, a failure naming the package.
func TestMissingDebs(t *testing.T) {
	if len(missingDebs(t.Context(), []string{"dpkg"})) != 0 {
		t.Skip("no dpkg here: every Debian package counts as missing")
	}
	got := missingDebs(t.Context(), []string{"dpkg", "telemetry-inject-no-such-package"})
	if len(got) != 1 || got[0] != "telemetry-inject-no-such-package" {
		t.Errorf("missingDebs = %v, want only the package that does not exist", got)
	}
}

// TestCarriesInjection pins what counts as an instrumented copy: a module
// needs the marker in its own file, a package in any of its modules (a
// trimmed __init__.py is fine), and a package with none fails.
func TestCarriesInjection(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	marked := "x = 1  # @telemetry-inject\n"
	plainMod := write("plain.py", "x = 1\n")
	markedMod := write("marked.py", marked)
	trimmedPkg := write("pkg/__init__.py", "x = 1\n")
	write("pkg/sub/parser.py", marked)
	barePkg := write("bare/__init__.py", "x = 1\n")
	write("bare/_telemetry_utils.py", "def span(): pass\n")
	for _, c := range []struct {
		path string
		ok   bool
	}{{plainMod, false}, {markedMod, true}, {trimmedPkg, true}, {barePkg, false}} {
		if err := carriesInjection(c.path); (err == nil) != c.ok {
			t.Errorf("carriesInjection(%s) = %v, want ok %v", c.path, err, c.ok)
		}
	}
}

// TestRunSetMatch pins the flakiness rule: a mismatch is forgiven only when
// some run of the original equals some run of the instrumented copy case by
// case, and the cases that moved between runs are named.
func TestRunSetMatch(t *testing.T) {
	run := func(exit int, statuses ...string) outcome {
		o := outcome{cases: map[string]caseResult{}, res: result{exitCode: exit}}
		for i, s := range statuses {
			o.cases[string(rune('a'+i))] = caseResult{status: s}
			switch s {
			case "passed":
				o.counts.passed++
			case "failed":
				o.counts.failed++
			}
		}
		return o
	}
	flakyBase := run(1, "passed", "failed")
	clean := run(0, "passed", "passed")
	broken := run(1, "failed", "passed")
	if (runSet{base: []outcome{flakyBase}, inst: []outcome{clean}}).match() {
		t.Error("one run each that differ must not match")
	}
	rs := runSet{base: []outcome{flakyBase, clean}, inst: []outcome{clean}}
	if !rs.match() {
		t.Error("an original whose rerun equals the copy's run must match")
	}
	if got := rs.flakyCases(); len(got) != 1 || got[0] != "b" {
		t.Errorf("flakyCases = %v, want [b]", got)
	}
	if (runSet{base: []outcome{clean, clean, clean}, inst: []outcome{broken, broken, broken}}).match() {
		t.Error("a copy that fails on every run must not match")
	}
	timedOut := clean
	timedOut.res.timedOut = true
	if (runSet{base: []outcome{clean}, inst: []outcome{timedOut}}).match() {
		t.Error("a timed-out run must never match")
	}
	r, failure, _ := verdict(row{name: "p", flaky: []string{"b"}}, nil, nil)
	if r.verdict != "ok (flaky)" || failure != "" || !strings.Contains(r.firstFailure, "b") {
		t.Errorf("flaky verdict = %+v, failure %q", r, failure)
	}
}

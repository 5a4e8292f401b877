package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestTorture is the torture suite of issue 10: each part prints the
// count the issue asks for in a "TORTURE" line of the test log, and fails
// unless it is 0. The binary is built once for all of them.
func TestTorture(t *testing.T) {
	tl := buildTool(t)
	for _, c := range []struct {
		name string
		run  func(*testing.T, tool)
	}{
		{"ConcurrentEdits", tortureConcurrentEdits},
		{"ConcurrentRuns", tortureConcurrentRuns},
		{"KillLoop", tortureKillLoop},
		{"FailedRemovals", tortureFailedRemovals},
		{"Metadata", tortureMetadata},
		{"RuntimeRepair", tortureRuntimeRepair},
		{"Formatter", tortureFormatter},
		{"InPlaceKills", tortureInPlaceKills},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, tl) })
	}
}

// tortureConcurrentEdits appends a line to 20 files every 2 ms while
// an instrumenting run and then a removing run go over the tree, as an
// editor saving does; every appended line must survive.
func tortureConcurrentEdits(t *testing.T, tl tool) {
	tr := genTree(t, 4, 60)
	for _, args := range [][]string{{tr.root, "--json"}, {tr.root, "--remove", "--json"}} {
		appended := map[string][]string{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				rel := fmt.Sprintf("pkg%d/mod%d.py", i%4, i%5)
				line := fmt.Sprintf("# edit %d by the user\n", i)
				f, err := os.OpenFile(filepath.Join(tr.root, rel), os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					t.Error(err)
					return
				}
				_, err = f.WriteString(line)
				f.Close()
				if err != nil {
					t.Error(err)
					return
				}
				appended[rel] = append(appended[rel], line)
			}
		}()
		r := tl.run(t, append([]string{}, args...)...)
		close(stop)
		wg.Wait()
		rep := parseReport(t, r)
		if r.code != 0 && r.code != 3 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		if (rep.ByStatus["changed"] > 0) != (r.code == 3) {
			t.Errorf("exit %d with %d files changed during the run", r.code, rep.ByStatus["changed"])
		}
		lost, total := 0, 0
		for rel, lines := range appended {
			b := tr.read(t, rel)
			for _, l := range lines {
				total++
				if !bytes.Contains(b, []byte(l)) {
					lost++
				}
			}
		}
		t.Logf("TORTURE concurrent edits %v: edits lost %d of %d; files reported changed during the run %d", args[1:], lost, total, rep.ByStatus["changed"])
		if lost > 0 {
			t.Errorf("%d edits lost", lost)
		}
		// The next run picks the edited files up.
		again := parseReport(t, tl.mustRun(t, 0, args...))
		if again.ByStatus["changed"] != 0 || again.ByStatus["failed"] != 0 {
			t.Errorf("next run: %v", again.ByStatus)
		}
	}
	for rel, want := range tr.orig {
		if b := tr.read(t, rel); !bytes.HasPrefix(b, want) || bytes.Contains(b, []byte("_ti_")) {
			t.Errorf("%s: not the original plus the user's edits after --remove", rel)
		}
	}
}

// tortureConcurrentRuns starts an instrumenting run and a --remove on
// the same tree at once, three times: one run must refuse with the other's
// PID, and the tree must stay consistent, every import resolving.
func tortureConcurrentRuns(t *testing.T, tl tool) {
	tr := genTree(t, 4, 60)
	ref, _ := tr.reference(t, tl)
	refusals := 0
	for round := 0; round < 3; round++ {
		a, _, aErr := tl.command(tr.root)
		b, _, bErr := tl.command(tr.root, "--remove")
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		if err := b.Start(); err != nil {
			t.Fatal(err)
		}
		codes := []int{waitOrKill(t, a), waitOrKill(t, b)}
		for i, stderr := range []string{aErr.String(), bErr.String()} {
			switch codes[i] {
			case 0:
			case 1:
				other := []int{b.Process.Pid, a.Process.Pid}[i]
				if !strings.Contains(stderr, fmt.Sprintf("PID %d, started", other)) {
					t.Errorf("refusal does not name the holder (PID %d):\n%s", other, stderr)
				}
				refusals++
			default:
				t.Errorf("run %d: exit %d\n%s", i, codes[i], stderr)
			}
		}
		_, _, torn := tr.census(t, ref)
		stranded := tr.importFailures(t)
		t.Logf("TORTURE concurrent runs round %d: exits %v, torn files %d, stranded imports %d", round, codes, torn, stranded)
		if torn+stranded > 0 {
			t.Errorf("round %d: %d torn files, %d modules that cannot import", round, torn, stranded)
		}
	}
	t.Logf("TORTURE concurrent runs: %d of 6 runs refused by the lock", refusals)
}

// tortureKillLoop kills the tool with SIGKILL at random points ten
// times, alternating instrumenting and removing runs. After each kill
// every file must be original or fully instrumented and import; the next
// complete run leaves no temporary file, and a final --remove gives back
// every original byte.
func tortureKillLoop(t *testing.T, tl tool) {
	tr := genTree(t, 4, 60)
	ref, took := tr.reference(t, tl)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d, a complete run takes %v", seed, took.Round(time.Millisecond))
	badAfterKill, stranded, strandedTemps := 0, 0, 0
	for i := 0; i < 10; i++ {
		args := []string{tr.root}
		if i%3 == 2 {
			args = append(args, "--remove")
		}
		cmd, _, _ := tl.command(args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Anywhere in the run: scanning, parsing, writing.
		time.Sleep(time.Duration(rng.Int64N(int64(took))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		orig, inst, torn := tr.census(t, ref)
		bad := tr.importFailures(t)
		temps := len(tr.tempFiles(t))
		strandedTemps += temps
		t.Logf("kill %d %v: %d original, %d instrumented, %d torn, %d cannot import, %d temporary files", i, args[1:], orig, inst, torn, bad, temps)
		badAfterKill += torn
		stranded += bad
	}
	_, staleErr := os.Stat(filepath.Join(tr.root, ".telemetry-inject", "lock"))
	r := tl.mustRun(t, 0, tr.root, "-v")
	if staleErr == nil && !strings.Contains(r.stderr, "taking over the lock of an interrupted run (PID") {
		t.Errorf("the killed run's lock was not reported as taken over:\n%s", r.stderr)
	}
	left := tr.tempFiles(t)
	_, inst, torn := tr.census(t, ref)
	t.Logf("TORTURE kill loop: 10 kills, torn files %d, stranded imports %d, temp files stranded by the kills %d, leftover temp files after the next run %d, instrumented %d of %d", badAfterKill+torn, stranded, strandedTemps, len(left), inst, len(tr.orig))
	if badAfterKill+torn+stranded+len(left) > 0 || inst != len(tr.orig) {
		t.Fatalf("left %v", left)
	}
	tl.mustRun(t, 0, tr.root, "--remove")
	for rel, want := range tr.orig {
		if !bytes.Equal(tr.read(t, rel), want) {
			t.Errorf("%s: not the original bytes after --remove", rel)
		}
	}
	if rt := tr.runtimes(); len(rt) > 0 {
		t.Errorf("runtime files left: %v", rt)
	}
	if _, err := os.Stat(filepath.Join(tr.root, ".telemetry-inject")); !os.IsNotExist(err) {
		t.Errorf("state folder left after a complete run: %v", err)
	}
}

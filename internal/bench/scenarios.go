package bench

import (
	"fmt"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

// hostedTPM gives the account a token limit 1.5x what its request limit
// lets through on average, so tokens are tracked and corrected but
// requests bind.
func hostedTPM(jobs []job, rpm int) int {
	var t int
	for _, j := range jobs {
		t += j.work.PromptTokens + j.work.OutputTokens
	}
	return int(1.5 * float64(t) / float64(len(jobs)) * float64(rpm))
}

func (b *bencher) hostedSim(rpm, tpm int, faults bool) *Sim {
	cfg := SimConfig{RPM: rpm, TPM: tpm, Window: b.sc.window, Seed: b.seed}
	if faults {
		cfg.Fail500, cfg.Malformed, cfg.Hang = 0.05, 0.02, 0.01
	}
	return StartSim(cfg)
}

// scenarioA is a hosted API whose limits the engine is told correctly; it
// also measures sequential mode and the naive design, and returns the
// engine's wall time for scenario (d). emit false runs it for (d) only.
func (b *bencher) scenarioA(emit bool) time.Duration {
	const name = "(a) hosted, rate-bound"
	jobs := b.jobs(b.sc.n, 0xa)
	rpm := b.sc.rpm
	tpm := hostedTPM(jobs, rpm)
	bound := hostedBound(jobs, rpm, tpm, b.sc.window)
	limits := []engine.HostLimits{{Name: "hosted", RPM: rpm, TPM: tpm, Window: b.sc.window}}

	sim := b.hostedSim(rpm, tpm, false)
	c := newClient([]string{sim.URL()})
	r := b.runEngine(c, jobs, limits, nil)
	c.close()
	sim.Close()
	row := engineRow(name, "engine", r, bound, sim)
	// In Short mode a rate-limit "minute" lasts one second, so a few
	// milliseconds of scheduling noise on a loaded CI machine are a
	// noticeable part of a window: the 429 bound is (b)'s there, and the
	// full run keeps the real goal of at most 1 in 100.
	max429 := 1 / b.sc.loose
	if b.short {
		max429 = 2 / b.sc.loose
	}
	row.Goal = fmt.Sprintf("eff ≥ %.2f, 429s ≤ %.1f/100", 0.95*b.sc.loose, max429)
	row.Pass = row.Efficiency >= 0.95*b.sc.loose && per100(row.Status429, row.N) <= max429 && row.Failed == 0
	if !emit {
		return row.Wall
	}
	b.rep.add(b.w, row)

	b.naive(name, jobs, limits[0], rpm/10, bound, false)
	b.sequential(name, limits[0], row.Wall)
	return row.Wall
}

// sequential compares sequential mode with the engine on the first 20 and
// 50 requests of (a)'s workload: the seed promised 3x at 20 and 5x at 50.
func (b *bencher) sequential(name string, l engine.HostLimits, _ time.Duration) {
	for _, n := range []int{20, 50} {
		jobs := b.jobs(n, 0xa)
		bound := hostedBound(jobs, l.RPM, l.TPM, l.Window)
		var walls [2]time.Duration
		var rows [2]Row
		for k, seq := range []bool{true, false} {
			sim := b.hostedSim(l.RPM, l.TPM, false)
			c := newClient([]string{sim.URL()})
			r := b.runEngine(c, jobs, []engine.HostLimits{l}, func(o *engine.Options[job, string]) { o.Sequential = seq })
			c.close()
			sim.Close()
			runner := "sequential"
			if !seq {
				runner = "engine"
			}
			rows[k] = engineRow(name, runner, r, bound, sim)
			walls[k] = r.stats.Wall
		}
		rows[1].Note = fmt.Sprintf("engine speedup over sequential at N=%d: %.1fx (the seed promised %dx)", n, walls[0].Seconds()/walls[1].Seconds(), map[int]int{20: 3, 50: 5}[n])
		b.rep.add(b.w, rows[0])
		b.rep.add(b.w, rows[1])
	}
}

// naive runs the seed's design against a fresh simulated host.
func (b *bencher) naive(name string, jobs []job, told engine.HostLimits, parallel int, bound time.Duration, ollama bool) {
	var sim *Sim
	if ollama {
		sim = StartSim(SimConfig{Ollama: true, Slots: 4, Queue: 8, Seed: b.seed})
	} else {
		sim = b.hostedSim(b.sc.rpm, hostedTPM(jobs, b.sc.rpm), false)
	}
	c := newClient([]string{sim.URL()})
	rpm := told.RPM
	if rpm == 0 {
		rpm = 1 << 30
	}
	n := runNaive(b.ctx, c, jobs, naiveOptions{
		Parallel: parallel, RPM: rpm, Window: b.sc.window,
		Attempts: 6, RetryWait: b.sc.window / 2, Timeout: 10 * b.sc.median,
	})
	c.close()
	sim.Close()
	cnt := sim.Counts()
	row := Row{
		Scenario: name, Runner: "naive", N: len(jobs), Wall: n.wall, Bound: bound,
		Efficiency: bound.Seconds() / n.wall.Seconds(), Status429: cnt.Status429, Status503: cnt.Status503,
		Retries: n.attempts - (n.ok + n.failed), P50: engine.Percentile(n.latencies, 0.5), P95: engine.Percentile(n.latencies, 0.95),
		PeakInFlight: n.peak, OK: n.ok, Failed: n.failed,
	}
	row.Note = fmt.Sprintf("naive: fixed pool of %d, fixed %s retry wait", parallel, b.sc.window/2)
	if told.RPM > 0 {
		row.Note = fmt.Sprintf("naive: fixed pool of %d, %d requests counted per window and reset each window, fixed %s retry wait", parallel, told.RPM, b.sc.window/2)
	}
	b.rep.add(b.w, row)
}

// scenarioB tells the engine the tier table's limits, 4x the account's real
// ones; only the server's headers and 429s reveal the truth.
func (b *bencher) scenarioB() {
	const name = "(b) tier table 4x too high"
	jobs := b.jobs(b.sc.n, 0xb)
	rpm := b.sc.rpm
	tpm := hostedTPM(jobs, rpm)
	bound := hostedBound(jobs, rpm, tpm, b.sc.window)
	told := engine.HostLimits{Name: "hosted", RPM: 4 * rpm, TPM: 4 * tpm, Window: b.sc.window}
	sim := b.hostedSim(rpm, tpm, false)
	c := newClient([]string{sim.URL()})
	r := b.runEngine(c, jobs, []engine.HostLimits{told}, nil)
	c.close()
	sim.Close()
	row := engineRow(name, "engine", r, bound, sim)
	row.Goal = fmt.Sprintf("eff ≥ %.2f, 429s ≤ %.0f/100", 0.90*b.sc.loose, 2/b.sc.loose)
	row.Pass = row.Efficiency >= 0.90*b.sc.loose && per100(row.Status429, row.N) <= 2/b.sc.loose && row.Failed == 0
	b.rep.add(b.w, row)
	b.naive(name, jobs, told, told.RPM/10, bound, false)
}

// scenarioC is an Ollama server with 4 slots and a queue of 8 that the
// engine knows nothing about.
func (b *bencher) scenarioC() {
	const name = "(c) ollama 4 slots, queue 8"
	jobs := b.jobs(b.sc.n/5, 0xc)
	bound := slotBound(jobs, []int{4}, []float64{1})
	sim := StartSim(SimConfig{Ollama: true, Slots: 4, Queue: 8, Seed: b.seed})
	c := newClient([]string{sim.URL()})
	r := b.runEngine(c, jobs, []engine.HostLimits{{Name: "ollama"}}, nil)
	c.close()
	sim.Close()
	row := engineRow(name, "engine", r, bound, sim)
	st := sim.SlotTime()
	served := st.servedBound(4, bound)
	row.Goal = fmt.Sprintf("eff as served ≥ %.2f, none lost, limit settles in 4..12", 0.95*b.sc.loose)
	row.Pass = served.Seconds()/row.Wall.Seconds() >= 0.95*b.sc.loose && row.Failed == 0 && row.Limit >= 4 && row.Limit <= 12
	row.Note = st.note(4, bound, row.Wall)
	b.rep.add(b.w, row)
	b.naive(name, jobs, engine.HostLimits{}, 16, bound, true)
}

// scenarioD is (a) with faults: 5% 500s, 2% malformed answers, 1% hangs.
func (b *bencher) scenarioD(aWall time.Duration) {
	const name = "(d) faults 5%/2%/1%"
	jobs := b.jobs(b.sc.n, 0xa)
	rpm := b.sc.rpm
	tpm := hostedTPM(jobs, rpm)
	bound := hostedBound(jobs, rpm, tpm, b.sc.window)
	sim := b.hostedSim(rpm, tpm, true)
	c := newClient([]string{sim.URL()})
	r := b.runEngine(c, jobs, []engine.HostLimits{{Name: "hosted", RPM: rpm, TPM: tpm, Window: b.sc.window}}, nil)
	c.close()
	sim.Close()
	row := engineRow(name, "engine", r, bound, sim)
	cnt := sim.Counts()
	limit := 1.3 / b.sc.loose
	row.Goal = fmt.Sprintf("all accounted, wall ≤ %.1fx (a)", limit)
	accounted := row.OK+row.Failed == row.N && row.Failed == row.Malformed
	row.Pass = accounted && row.Wall.Seconds() <= limit*aWall.Seconds()
	row.Note = fmt.Sprintf("server sent %d 500s, %d malformed, %d hangs; %d answered, %d malformed asked again, %d malformed twice (built-in fallback), %d lost; %d timeouts retried; wall %.2fx (a)'s",
		cnt.Status500, cnt.Malformed, cnt.Hung, row.OK, r.stats.Reasked, row.Malformed, row.Failed-row.Malformed, r.stats.Timeouts, row.Wall.Seconds()/aWall.Seconds())
	b.rep.add(b.w, row)
}

// scenarioE is two Ollama hosts, the second three times slower.
func (b *bencher) scenarioE() {
	const name = "(e) two hosts, 3x apart"
	jobs := b.jobs(b.sc.n/3, 0xe)
	slow := []float64{1, 3}
	bound := slotBound(jobs, []int{4, 4}, slow)
	fast := StartSim(SimConfig{Ollama: true, Slots: 4, Queue: 8, Slowdown: slow[0], Seed: b.seed})
	slower := StartSim(SimConfig{Ollama: true, Slots: 4, Queue: 8, Slowdown: slow[1], Seed: b.seed + 1})
	c := newClient([]string{fast.URL(), slower.URL()})
	r := b.runEngine(c, jobs, []engine.HostLimits{{Name: "fast"}, {Name: "slow"}}, nil)
	c.close()
	fast.Close()
	slower.Close()
	row := engineRow(name, "engine", r, bound, fast, slower)
	row.Goal = fmt.Sprintf("eff ≥ %.2f vs summed bound", 0.90*b.sc.loose)
	row.Pass = row.Efficiency >= 0.90*b.sc.loose && row.Failed == 0
	row.Note = "work per host: " + shares([]string{"fast", "slow"}, []int{r.stats.Hosts[0].Succeeded, r.stats.Hosts[1].Succeeded}) +
		" (capacity share 75%/25%)"
	b.rep.add(b.w, row)
}

// scenarioF measures smart queuing on (a)'s host: files worked through
// whole, longest prompt first, against plain input order, where a listing
// interleaves the files.
func (b *bencher) scenarioF() {
	const name = "(f) files finish early"
	jobs := b.jobs(b.sc.n, 0xf)
	rpm := b.sc.rpm
	tpm := hostedTPM(jobs, rpm)
	bound := hostedBound(jobs, rpm, tpm, b.sc.window)
	limits := []engine.HostLimits{{Name: "hosted", RPM: rpm, TPM: tpm, Window: b.sc.window}}
	files := make([]string, len(jobs))
	for i, j := range jobs {
		files[i] = j.file
	}
	var firsts [2]time.Duration
	for k, grouped := range []bool{false, true} {
		sim := b.hostedSim(rpm, tpm, false)
		c := newClient([]string{sim.URL()})
		r := b.runEngine(c, jobs, limits, func(o *engine.Options[job, string]) {
			if !grouped {
				o.Group, o.Priority = nil, nil
			}
		})
		c.close()
		sim.Close()
		runner := "input order"
		if grouped {
			runner = "engine"
		}
		row := engineRow(name, runner, r, bound, sim)
		fin := make([]time.Duration, len(r.res))
		for i, res := range r.res {
			fin[i] = res.Finished
		}
		row.Groups = groupsOf(files, fin)
		row.Note = groupLine(row.Groups, row.Wall)
		firsts[k] = row.Groups.First
		if grouped {
			share := row.Groups.First.Seconds() / row.Wall.Seconds()
			row.Goal = fmt.Sprintf("first file ≤ %.0f%% of wall", 10/b.sc.loose)
			row.Pass = share <= 0.10/b.sc.loose && row.Failed == 0
		}
		b.rep.add(b.w, row)
	}
}

func per100(n, total int) float64 { return 100 * float64(n) / float64(max(1, total)) }

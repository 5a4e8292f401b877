package bench

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// The peer scenarios run in real time: the command line's rate limits are
// per real minute. They are sized so the full set takes a few minutes.
type peerScale struct {
	burstN, boundN, slotN int
	burstMedian           time.Duration
	boundMedian           time.Duration
	slotMedian            time.Duration
	peerTimeout           time.Duration
	pause                 time.Duration
}

func newPeerScale(short bool) peerScale {
	if short {
		return peerScale{burstN: 60, slotN: 40, burstMedian: 100 * time.Millisecond, slotMedian: 50 * time.Millisecond,
			peerTimeout: 10 * time.Second, pause: 15 * time.Second}
	}
	return peerScale{burstN: 300, boundN: 450, slotN: 200, burstMedian: 800 * time.Millisecond,
		boundMedian: 800 * time.Millisecond, slotMedian: 200 * time.Millisecond,
		peerTimeout: 30 * time.Second, pause: 15 * time.Second}
}

// perRequestTokens is about what one request costs the simulator: the
// system prompt and the user message at four bytes a token, and a typical
// answer.
func perRequestTokens() int { return (len(prompt.System())+len(peerMessage(0)))/4 + 70 }

// peerRow measures the command line and the peers on fresh simulated
// hosts of one configuration. cliArgs lists command-line variants.
type peerRun struct {
	name  string
	cfg   SimConfig
	n     int
	told  cookbookOptions
	model string
	prov  string
	slots bool
	cli   []cliVariant
}

// cliVariant is one way of running the command line in a scenario.
type cliVariant struct {
	args []string
	// second measures a user's second run: an unmeasured first run on a
	// small job leaves the account's limits in the limits memory, and the
	// measured run starts on the same account once its buckets are full
	// again, as the next day's run would.
	second bool
}

func (b *bencher) peerScenarios(want func(string) bool) {
	ps := newPeerScale(b.short)
	fmt.Fprintln(b.w, "\nThe command line with its shipped defaults (cache off) beside two peer designs, same simulated host, real minutes:")
	b.warmCLI(ps.burstN)
	if want("p") {
		cfg := SimConfig{RPM: 600, TPM: 1_000_000, Window: time.Minute, Seed: b.seed, Median: ps.burstMedian}
		rows := b.peerRun(peerRun{name: "(p) burst fits the bucket", cfg: cfg, n: ps.burstN, model: "gpt-4o-mini", prov: "openai",
			told: cookbookOptions{RPM: 600, TPM: 1_000_000, Pause: ps.pause, Timeout: ps.peerTimeout, MaxAttempts: 5},
			cli:  []cliVariant{{}, {second: true}, {args: []string{"--rpm", "600", "--tpm", "1000000"}}}}, ps)
		b.judgeBurst(rows)
		b.addAll(rows)
	}
	// (q) and (s) are judged on one request per construct (--no-group):
	// that is the job the issue sized as token-bound, at the peers' own
	// cost. The default run is printed for contrast: the model table's
	// limits (tier 2) are four times this account's, so by them the job
	// fits and goes one request per construct, paced by the first answer's
	// headers as --no-group is.
	if want("q") && ps.boundN > 0 {
		tpm := ps.boundN * perRequestTokens() * 2 / 3
		cfg := SimConfig{RPM: 10_000, TPM: tpm, Window: time.Minute, Seed: b.seed, Median: ps.boundMedian}
		rows := b.peerRun(peerRun{name: "(q) token-bound", cfg: cfg, n: ps.boundN, model: "gpt-4o-mini", prov: "openai",
			told: cookbookOptions{RPM: 10_000, TPM: tpm, Pause: ps.pause, Timeout: ps.peerTimeout, MaxAttempts: 5},
			cli:  []cliVariant{{args: []string{"--no-group"}}, {}}}, ps)
		judgeBound(&rows[0], 0.97, 1)
		b.addAll(rows)
		if want("s") {
			cfg.Fail500, cfg.Malformed, cfg.Hang = 0.05, 0.02, 0.01
			faults := b.peerRun(peerRun{name: "(s) faults 5%/2%/1%", cfg: cfg, n: ps.boundN, model: "gpt-4o-mini", prov: "openai",
				told: cookbookOptions{RPM: 10_000, TPM: tpm, Pause: ps.pause, Timeout: ps.peerTimeout, MaxAttempts: 5},
				cli:  []cliVariant{{args: []string{"--no-group"}}}}, ps)
			judgeFaults(&faults[0], rows[0])
			b.addAll(faults)
		}
	}
	if want("r") {
		cfg := SimConfig{Ollama: true, Slots: 4, Queue: 4, Seed: b.seed, Median: ps.slotMedian}
		rows := b.peerRun(peerRun{name: "(r) 4 slots + queue 4", cfg: cfg, n: ps.slotN, model: "qwen2.5-coder", prov: "openai-compatible", slots: true,
			told: cookbookOptions{RPM: 100_000, TPM: 100_000_000, Pause: ps.pause, Timeout: ps.peerTimeout, MaxAttempts: 5},
			cli:  []cliVariant{{}}}, ps)
		b.judgeSlots(&rows[0], ps, cfg.Slots)
		b.addAll(rows)
	}
}

// warmCLI runs the command line once, unmeasured, on a job of n
// functions against a host that answers at once. It runs in this
// process, and its first run pays one-time setup (grammars, the model
// table, compiled patterns, the heap and goroutine stacks a burst of n
// requests needs: 100 to 250 ms on a loaded machine) that the peers,
// plain Go functions here, never pay; measured first, the default run
// alone carried it.
func (b *bencher) warmCLI(n int) {
	sim := StartSim(SimConfig{RPM: 100_000, TPM: 100_000_000, Window: time.Minute, Seed: b.seed, Median: time.Millisecond})
	defer sim.Close()
	_, _ = b.cli(b.ctx, CLIJob{BaseURL: sim.URL() + "/v1", Provider: "openai", Model: "gpt-4o-mini", Functions: n})
}

func (b *bencher) addAll(rows []Row) {
	for _, r := range rows {
		b.rep.add(b.w, r)
	}
}

// peerRun runs every command-line variant and both peers; the rows come
// back in that order.
func (b *bencher) peerRun(pr peerRun, ps peerScale) []Row {
	var rows []Row
	for _, v := range pr.cli {
		sim := StartSim(pr.cfg)
		job := CLIJob{BaseURL: sim.URL() + "/v1", Provider: pr.prov, Model: pr.model, Functions: pr.n, Args: v.args}
		runner := "telemetry-inject"
		if len(v.args) > 0 {
			runner = "ti " + strings.Join(v.args, " ")
		}
		var err error
		if v.second {
			runner += " (2nd run)"
			job.CacheHome, err = b.firstRun(sim, job)
		}
		var res CLIResult
		if err == nil {
			res, err = b.cli(b.ctx, job)
		}
		sim.Close()
		if job.CacheHome != "" {
			os.RemoveAll(job.CacheHome)
		}
		row := b.simRow(pr, runner, sim, res.Wall)
		row.slots = sim.SlotTime()
		row.OK, row.Failed = res.Decided, pr.n-res.Decided
		row.Retries, row.PeakInFlight = res.Retries, res.PeakInFlight
		row.Malformed = res.Reasked
		row.Note = fmt.Sprintf("cli: engine %s of the wall, exit %d, %d requests, detected %d, peak %d in flight, %d retries, %d timeouts, %d re-asked, %d fell back, limited by %s; %s; sent as: %s",
			secs(res.Engine), res.Exit, res.Requests, res.Parallel, res.PeakInFlight, res.Retries, res.Timeouts, res.Reasked, res.Fallbacks, res.Bottleneck, timeline(sim.Arrivals()), res.Grouping)
		if pr.slots {
			row.Note += "; " + row.slots.note(pr.cfg.Slots, row.Bound, row.Wall)
		}
		if err != nil || res.Exit != 0 {
			row.Note += fmt.Sprintf("; error: %v", err)
			row.Failed = pr.n
		}
		rows = append(rows, row)
	}
	peers := []struct {
		name string
		run  func(url string) peerResult
	}{
		{"cookbook (A)", func(url string) peerResult { return runCookbook(b.ctx, url, pr.n, pr.told) }},
		{"errgroup16 (B)", func(url string) peerResult {
			return runErrgroup(b.ctx, url, pr.n, errgroupOptions{Limit: 16, Retries: 2, Timeout: ps.peerTimeout})
		}},
	}
	for _, p := range peers {
		sim := StartSim(pr.cfg)
		res := p.run(sim.URL() + "/v1")
		sim.Close()
		row := b.simRow(pr, p.name, sim, res.wall)
		row.OK, row.Failed, row.Retries = res.ok-res.malformed, res.lost+res.malformed, res.sent-pr.n
		row.Note = fmt.Sprintf("peer: %d lost, %d malformed answers kept; %s", res.lost, res.malformed, timeline(sim.Arrivals()))
		rows = append(rows, row)
	}
	return rows
}

// firstRun runs job's command line unmeasured on a small job against
// sim, in a cache folder of its own, which it returns, then waits until
// sim's buckets are full again and forgets what sim saw.
func (b *bencher) firstRun(sim *Sim, job CLIJob) (string, error) {
	dir, err := os.MkdirTemp("", "telemetry-inject-bench-cache-")
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	first := job
	first.CacheHome, first.Functions = dir, 10
	if res, err := b.cli(b.ctx, first); err != nil || res.Exit != 0 {
		os.RemoveAll(dir)
		return "", fmt.Errorf("the unmeasured first run: exit %d, %v", res.Exit, err)
	}
	time.Sleep(sim.FullIn() + 100*time.Millisecond)
	sim.ForgetHistory()
	return dir, nil
}

// simRow fills a row from what the simulator saw; the bound is computed
// from the work it served this runner.
func (b *bencher) simRow(pr peerRun, runner string, sim *Sim, wall time.Duration) Row {
	served := sim.Served()
	jobs := make([]job, len(served))
	for i, w := range served {
		jobs[i] = job{id: i, work: w}
	}
	var bound time.Duration
	if len(jobs) > 0 {
		if pr.slots {
			bound = slotBound(jobs, []int{pr.cfg.Slots}, []float64{1})
		} else {
			bound = hostedBound(jobs, pr.cfg.RPM, pr.cfg.TPM, pr.cfg.Window)
		}
	}
	c := sim.Counts()
	row := Row{Scenario: pr.name, Runner: runner, N: pr.n, Wall: wall, Bound: bound, Status429: c.Status429, Status503: c.Status503}
	if wall > 0 {
		row.Efficiency = bound.Seconds() / wall.Seconds()
	}
	return row
}

// judgeBurst: the command line, with default settings and told the true
// limits as the cookbook peer is, is no slower than the fastest peer that
// lost nothing (short mode: within 2s, robust on a loaded CI machine).
// The default does not stake a burst on the model table's limits (see
// dispatch.LLM.choose): it pays the first answer's round trip, and the
// row says so when it misses.
func (b *bencher) judgeBurst(rows []Row) {
	fastest := time.Duration(0)
	for _, r := range rows[len(rows)-2:] {
		if r.Failed == 0 && (fastest == 0 || r.Wall < fastest) {
			fastest = r.Wall
		}
	}
	// Short mode runs in CI on loaded machines, where the command line's
	// fixed cost (parsing, writing, detection) weighs on a sub-second job:
	// only a bound that cannot flake is checked there.
	slack, goal := time.Duration(0), "wall ≤ fastest lossless peer"
	if b.short {
		slack, goal = 2*time.Second, "none lost, wall ≤ fastest lossless peer + 2s"
	}
	for i := range rows[:len(rows)-2] {
		r := &rows[i]
		r.Note += fmt.Sprintf("; %.2fx the fastest lossless peer (%s)", r.Wall.Seconds()/max(1e-9, fastest.Seconds()), secs(fastest))
		r.Goal = goal
		r.Pass = r.Failed == 0 && (fastest == 0 || r.Wall <= fastest+slack)
	}
}

func judgeBound(r *Row, eff, per100max float64) {
	r.Goal = fmt.Sprintf("eff ≥ %.2f, 429s ≤ %.0f/100, none lost", eff, per100max)
	r.Pass = r.Efficiency >= eff && per100(r.Status429, r.N) <= per100max && r.Failed == 0
}

func judgeFaults(r *Row, clean Row) {
	ratio := r.Wall.Seconds() / clean.Wall.Seconds()
	r.Goal = "wall ≤ 1.3x fault-free, ≥ 90% of malformed recovered"
	lostToMalformed := r.Failed
	recovered := 1.0
	if r.Malformed > 0 {
		recovered = 1 - float64(lostToMalformed)/float64(r.Malformed)
	}
	r.Pass = ratio <= 1.3 && recovered >= 0.9
	r.Note += fmt.Sprintf("; wall %.2fx the fault-free run; %d malformed answers re-asked, %d constructs fell back (%.0f%% recovered)", ratio, r.Malformed, lostToMalformed, 100*recovered)
}

func (b *bencher) judgeSlots(r *Row, ps peerScale, slots int) {
	eff, storm := 0.95, ps.slotN/20
	if b.short {
		eff, storm = 0.3, ps.slotN/4
	}
	r.Goal = fmt.Sprintf("eff as served ≥ %.2f, none lost, 503s ≤ %d", eff, storm)
	served := r.slots.servedBound(slots, r.Bound)
	r.Pass = served.Seconds()/r.Wall.Seconds() >= eff && r.Failed == 0 && r.Status503 <= storm
}

// timeline sums up when requests reached the server, from the first: how
// fast a runner got its work out is what decides a burst.
func timeline(arr []time.Duration) string {
	if len(arr) == 0 {
		return "no requests arrived"
	}
	within := 0
	for _, a := range arr {
		if a <= 100*time.Millisecond {
			within++
		}
	}
	return fmt.Sprintf("arrivals: %d in the first 100ms, half by %s, all %d by %s", within, secs(arr[len(arr)/2]), len(arr), secs(arr[len(arr)-1]))
}

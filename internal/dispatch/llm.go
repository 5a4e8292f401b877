package dispatch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decide/builtin"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// LLM decides constructs by asking a model, one request per construct,
// through the request engine. Answers are validated; a construct whose
// request fails, or whose answer is invalid, gets the built-in planner's
// decision instead and is counted as a fallback. Valid answers are cached.
type LLM struct {
	// Provider and Model name what is asked, for cache keys and reports.
	Provider, Model string
	// Hosts are the clients, one per base URL; the engine balances them.
	Hosts []llm.Decider
	// Engine configures the request engine (limits per host, timeouts,
	// concurrency). Dispatch fills in the scheduling functions.
	Engine engine.Options[*Request, llm.Answer]
	// Cache, if set, answers constructs asked about before and keeps new
	// answers.
	Cache *cache.Cache
	// Price gives a request's cost; nil means free (Ollama).
	Price Price
	// Budget, when positive, is the most to spend in USD: a request that
	// could take the spend past it is not sent, and its construct uses the
	// built-in planner.
	Budget float64
	// PromptOptions shape the prompts (code budget for small contexts).
	PromptOptions prompt.Options
	// Batch, if set, sends the requests not answered by the cache through
	// the provider's batch API first.
	Batch BatchFunc
	// Progress, if set, is told how many requests are done out of how many.
	Progress func(done, total int)
	// InputOnlyTokenLimit says the provider's token limit counts input
	// tokens only (Anthropic's ITPM; output has its own limit), so the
	// token bucket is charged the prompt alone, not the answer.
	InputOnlyTokenLimit bool
	// Bottleneck, if set, is told after each finished request what limits
	// the run now (-v).
	Bottleneck func(b engine.Bottleneck, p engine.Progress)
	// Group asks about several constructs of one file (a function, its
	// loops and variables together, in source order) in one request
	// (prompt.GroupVersion); members whose decision is missing or invalid
	// are asked again alone. Batch runs keep one request per construct.
	Group bool
	// AdaptGroups, with Group, sizes the groups to the job (see choose):
	// single requests sent at once when the job fits the buckets, full
	// groups when it is rate-bound. Without it (an explicit --group)
	// groups are always full.
	AdaptGroups bool
	// CacheReadsExempt says the provider does not count prompt-cache
	// reads against its token limit (Anthropic's ITPM), so the cache
	// warm-up raises what the limit lets through and holds the run until
	// it is answered. Where cached tokens count like any other (OpenAI),
	// requests a full bucket would otherwise lose go during the warm-up.
	CacheReadsExempt bool
	// LimitsKnown says the hosts' RPM and TPM (and what they start
	// spent) are the account's, not the model table's guess: the user's
	// (--rpm, --tpm) or its server's headers remembered from an earlier
	// run. A job that fits them goes at once whatever the grouping.
	LimitsKnown bool
	// Note, if set, is told how the run sends its constructs (-v).
	Note func(string)
	// CacheMinTokens is the model's shortest cacheable prompt prefix; the
	// grouped prefix is padded to it when that costs less (0: never).
	CacheMinTokens int
	// ContextWindow, when positive, is the model's context in tokens:
	// groups are kept inside it (PromptOptions bounds single requests).
	ContextWindow int

	stats    Stats
	err      error
	answered atomic.Bool    // some request has been answered
	alone    []*Request     // requests to ask in the next round; guarded like stats
	prefixes map[string]int // cached prefix tokens seen per prompt prefix; guarded like stats
	built    builtRequests  // the last jobs' prompts and keys (see requests)
	reported []engine.Reported
}

// BatchFunc submits requests to a provider's batch API and returns each
// one's outcome by construct ID. It hands each batch's results to keep the
// moment they are downloaded, before it forgets the batch, so answers that
// were paid for are stored even if the process dies right after.
type BatchFunc func(ctx context.Context, reqs []prompt.Request, keep func([]llm.BatchResult) error) (map[string]llm.BatchResult, error)

// Request is what the engine carries for one construct.
type Request struct {
	job   int
	file  string
	src   *source.File
	key   string
	req   prompt.Request
	cons  *source.Construct
	estUS float64
	// codeTokens is the code budget of a single request trimmed because
	// the server found it too long (0: the default).
	codeTokens int
	// pad is the prefix length a grouped prompt was padded to.
	pad int
	// members are the constructs of a grouped request, each with its own
	// job and cache key; empty for a single construct.
	members []*Request
	// single is the construct's own single request, kept for asking it
	// again alone when its group's answer leaves it out.
	single prompt.Request
}

// Stats returns the run's request totals.
func (d *LLM) Stats() *Stats { return &d.stats }

// Err is the error that stopped the run (an authentication failure), if
// any; constructs it left undecided leave their files untouched.
func (d *LLM) Err() error { return d.err }

// Decide implements decision.Decider.
func (d *LLM) Decide(ctx context.Context, jobs []decision.Job, done func(int, decision.Decided)) {
	start := time.Now()
	d.stats.Provider, d.stats.Model = d.Provider, d.Model
	var mu sync.Mutex // guards stats and the budget while results arrive
	var pending []*Request
	for i, r := range d.requests(jobs) {
		if dec, ok := d.fromCache(r); ok {
			done(i, decision.Decided{Decision: dec, Origin: source.OriginCache})
			continue
		}
		pending = append(pending, r)
	}
	if d.Batch != nil && len(pending) > 0 {
		pending = d.viaBatch(ctx, pending, done, &mu)
	}
	pending, warm, plan := d.arrange(pending)
	if len(pending) > 0 {
		d.stats.Grouping = plan.note
		if d.Note != nil {
			d.Note("Requests: " + plan.note)
		}
	}
	if len(pending) > 0 && ctx.Err() == nil {
		d.viaEngine(ctx, pending, done, &mu, warm, plan.burst)
	}
	d.askAgain(ctx, done, &mu)
	d.stats.Duration = time.Since(start)
}

// viaEngine sends the requests through the engine and settles each one as
// its result arrives.
// warm says the requests share a prefix the provider caches (see
// probeFirst); burst that they fit the hosts' buckets (see sendAtOnce).
func (d *LLM) viaEngine(ctx context.Context, reqs []*Request, done func(int, decision.Decided), mu *sync.Mutex, warm, burst bool) {
	opts := d.Engine
	opts.EstimateTokens = func(r *Request) int { return d.limitTokens(r.req) }
	if d.Bottleneck != nil {
		opts.OnProgress = func(p engine.Progress) { d.Bottleneck(p.Bottleneck, p) }
	}
	opts.Group = func(r *Request) string { return r.file }
	opts.Priority = func(r *Request) int { return r.req.EstimatedTokens }
	if burst {
		sendAtOnce(&opts, len(reqs))
	}
	if warm {
		probeFirst(&opts, reqs[0], !d.CacheReadsExempt)
	}
	// The run stops, rather than falling back construct by construct,
	// when the provider rejects the key or cannot be reached at all: either
	// way no answer will come, and the user should hear it once, now.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var finished, succeeded int
	first := firstFailures{threshold: min(runLevelThreshold, len(reqs))}
	hostName := func(h int) string {
		if h >= 0 && h < len(opts.Hosts) {
			return opts.Hosts[h].Name
		}
		return ""
	}
	opts.OnResult = func(i int, res engine.Result[llm.Answer]) {
		mu.Lock()
		finished++
		if d.Progress != nil {
			d.Progress(finished, len(reqs))
		}
		if res.Err == nil {
			succeeded++
		}
		kind := llm.KindOf(res.Err)
		unreachable := res.Err != nil && kind == llm.Connection && succeeded == 0
		down := engine.IsHostsDown(res.Err)
		if res.Err != nil && (kind == llm.Auth || unreachable || down) {
			if d.err == nil {
				d.err = res.Err
				if down {
					d.err = &RunError{Provider: d.Provider, Model: d.Model, BaseURL: hostName(res.Host), Err: res.Err}
				}
			}
			stop()
		}
		if res.Err != nil && runCtx.Err() != nil {
			// Stopped or interrupted: the construct stays undecided,
			// so its file is left as it was.
			mu.Unlock()
			return
		}
		ready, halt := first.add(i, res)
		if halt {
			f := first.held[0]
			if d.err == nil {
				d.err = &RunError{Provider: d.Provider, Model: d.Model, BaseURL: hostName(f.res.Host), Count: len(first.held), Err: f.res.Err}
			}
			stop()
			mu.Unlock()
			return
		}
		settled := d.settleAll(reqs, ready)
		mu.Unlock()
		for _, s := range settled {
			done(s.job, s.decided)
		}
	}
	_, st := engine.Run(runCtx, reqs, d.call(mu), opts)
	mu.Lock()
	defer mu.Unlock()
	if runCtx.Err() == nil {
		// Fewer requests than the threshold, all failed alike but not
		// enough to call the run broken: each falls back on its own.
		for _, s := range d.settleAll(reqs, first.flush()) {
			done(s.job, s.decided)
		}
	}
	d.stats.Requests += st.Attempts
	d.stats.Retries += st.Retries
	d.stats.RateLimited += st.RateLimited
	d.stats.Overloaded += st.Overloaded
	d.stats.PeakInFlight = st.PeakInFlight
	d.stats.LatencyP50 = st.LatencyP50.Seconds()
	d.stats.LatencyP95 = st.LatencyP95.Seconds()
	d.stats.Reasked += st.Reasked
	d.stats.EngineSeconds += st.Wall.Seconds()
	d.stats.Timeouts += st.Timeouts
	d.stats.Bottleneck = st.Bottleneck().String()
	d.stats.recordRate(st, opts.Hosts)
	d.keepReported(st.Hosts)
	for _, h := range st.Hosts {
		d.stats.Hosts = append(d.stats.Hosts, Host{URL: h.Name, Requests: h.Attempts, Failures: h.Failed})
	}
	if st.Stopped != nil && d.err == nil {
		d.err = st.Stopped
	}
}

type settledJob struct {
	job     int
	decided decision.Decided
}

// settleAll settles results the engine handed over; callers hold the
// stats lock and call done after releasing it.
func (d *LLM) settleAll(reqs []*Request, hs []held) []settledJob {
	var out []settledJob
	for _, h := range hs {
		r := reqs[h.idx]
		// A group too long for the model, or too dear for what is left
		// of the budget, is asked again in smaller parts.
		overBudget := errors.Is(h.res.Err, errOverBudget) && len(r.members) > 1
		if (tooLong(h.res.Err) || overBudget) && d.split(r) {
			continue
		}
		if len(r.members) > 0 {
			out = append(out, d.settleGroup(r, h.res.Value, h.res.Err)...)
			continue
		}
		dec, origin, note := d.settle(r, h.res.Value, h.res.Err, false)
		out = append(out, settledJob{r.job, decision.Decided{Decision: dec, Origin: origin, Note: note}})
	}
	return out
}

// errInvalidAnswer marks an answer that came back but failed validation.
var errInvalidAnswer = errors.New("invalid answer")

// errOverBudget is the error of a request not sent because of --budget.
var errOverBudget = errors.New("not sent: the --budget would be exceeded")

// call adapts a provider client to the engine: it enforces the budget
// before sending and translates the provider's error kinds and headers
// into the engine's feedback.
func (d *LLM) call(mu *sync.Mutex) engine.Call[*Request, llm.Answer] {
	var reserved float64
	return func(ctx context.Context, host int, r *Request) (llm.Answer, engine.Feedback, error) {
		if d.Budget > 0 && d.Price != nil {
			// The most the request can cost: its whole answer allowance,
			// and its prefix at the cached price only once an answer
			// showed the provider caches it.
			mu.Lock()
			est := d.Price(d.worstUsage(r.req), false)
			over := d.stats.CostUSD+reserved+est > d.Budget
			if !over {
				reserved += est
			}
			mu.Unlock()
			if over {
				return llm.Answer{}, engine.Feedback{Class: engine.Fatal}, errOverBudget
			}
			defer func() { mu.Lock(); reserved -= est; mu.Unlock() }()
		}
		callCtx := ctx
		if engine.Probing(ctx) {
			// The rest of the job waits for this answer's headers; a
			// client that can get them ahead of the answer does.
			callCtx = llm.WithEarlyLimits(ctx, func(l *llm.Limits) { engine.Heard(ctx, rateState(l)) })
		}
		ans, err := d.Hosts[host].Decide(callCtx, r.req)
		mu.Lock()
		d.notePrefix(r.req, ans.Usage)
		mu.Unlock()
		fb := engine.Feedback{Tokens: d.billed(ans.Usage), Rate: rateState(ans.Limits)}
		if err == nil {
			// Validated here, not only when settling, so an invalid
			// answer is asked again like a malformed one.
			if perr := d.validate(r, ans.Raw); perr != nil {
				d.answered.Store(true)
				d.charge(mu, ans.Usage)
				fb.Class = engine.Invalid
				return ans, fb, fmt.Errorf("%w: %w", errInvalidAnswer, perr)
			}
		}
		if err != nil {
			var le *llm.Error
			if errors.As(err, &le) {
				fb.Tokens = d.billed(le.Usage)
				fb.Rate = rateState(le.Limits)
				fb.RetryAfter = le.RetryAfter
				fb.Class = le.Kind.Class()
				// Nothing listening, before any answer ever came: the
				// address is wrong or the server is down, and retrying
				// for minutes would only delay saying so.
				if le.Kind == llm.Connection && errors.Is(err, syscall.ECONNREFUSED) && !d.answered.Load() {
					fb.Class = engine.Fatal
				}
				// Malformed answers still cost money.
				d.charge(mu, le.Usage)
			}
			return ans, fb, err
		}
		d.answered.Store(true)
		d.charge(mu, ans.Usage)
		return ans, fb, nil
	}
}

// settle turns one request's outcome into a decision: the model's when its
// answer is valid (and then cached), the built-in planner's otherwise.
// Callers hold the stats lock.
func (d *LLM) settle(r *Request, ans llm.Answer, err error, batch bool) (source.Decision, source.Origin, string) {
	if err == nil {
		dec, perr := decide.Parse(r.cons, ans.Raw)
		if perr == nil {
			// Batch answers were cached as they were downloaded.
			if d.Cache != nil && !batch {
				cost := 0.0
				if d.Price != nil {
					cost = d.Price(ans.Usage, batch)
				}
				_ = d.Cache.Put(cache.Entry{Key: r.key, Answer: ans.Raw, Provider: d.Provider, Model: d.Model,
					InputTokens: ans.Usage.InputTokens, OutputTokens: ans.Usage.OutputTokens, CostUSD: cost, Time: time.Now()})
			}
			return dec, source.OriginLLM, ""
		}
		err = fmt.Errorf("invalid answer: %w", perr)
	}
	if errors.Is(err, errOverBudget) {
		d.stats.OverBudget++
	} else {
		d.stats.Failed++
	}
	d.stats.Fallbacks++
	return builtin.Decide(r.cons), source.OriginFallback, err.Error()
}

package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Run sends every request through call and returns one Result per request,
// in input order. It returns when every request has finished, or promptly
// after ctx is canceled or a StopAll failure (every unfinished request then
// gets ctx.Err() or that failure). All goroutines it starts have ended when
// it returns, including those running the callbacks.
func Run[Req, Resp any](ctx context.Context, reqs []Req, call Call[Req, Resp], opts Options[Req, Resp]) ([]Result[Resp], Stats) {
	opts.withDefaults()
	r := newRunner(ctx, reqs, call, opts)
	defer r.cancel()
	r.loop(ctx)
	return r.results, r.finalStats()
}

// attempt is what a finished call reports to the dispatcher.
type attempt[Resp any] struct {
	idx, host  int
	resp       Resp
	fb         Feedback
	err        error
	start, end time.Time
	ctx        *attemptCtx
	est        int
	sent       int64 // host.sent when this attempt left
	tokensSent int64
	// reqsUnsure and tokensUnsure are what was in flight to the host when
	// this attempt left (see host.observe).
	reqsUnsure, tokensUnsure float64
	saturated                bool
}

type pending struct {
	idx       int
	notBefore time.Time
}

type callback[Resp any] struct {
	idx  int
	res  Result[Resp]
	prog Progress
}

// runner is one Run's state. Everything but the call goroutines and the
// callback goroutine runs on the dispatcher goroutine (the caller's), which
// owns all of it, so none of it is locked.
type runner[Req, Resp any] struct {
	opts  Options[Req, Resp]
	reqs  []Req
	call  Call[Req, Resp]
	clock Clock
	start time.Time

	runCtx context.Context
	cancel context.CancelFunc

	hosts     []*host
	order     []int // first attempts, in dispatch order
	next      int   // index into order
	retries   []pending
	attempts  []int
	est       estimator
	results   []Result[Resp]
	done      []bool
	remaining int
	inFlight  int
	stopErr   error

	events chan attempt[Resp]
	heard  chan early[Resp] // headers heard before their answers (Heard)
	calls  sync.WaitGroup
	cbs    chan callback[Resp]
	cbDone chan struct{}

	groups    groupTracker
	latencies []time.Duration
	stats     Stats

	lat       latencyTracker
	running   map[int]flight // attempts in progress, by request
	timedOut  []int          // per request: attempts that ran past their deadline
	reasked   []int          // per request: invalid answers asked again
	lastCheck time.Time
	current   Bottleneck
}

func newRunner[Req, Resp any](ctx context.Context, reqs []Req, call Call[Req, Resp], opts Options[Req, Resp]) *runner[Req, Resp] {
	r := &runner[Req, Resp]{
		opts: opts, reqs: reqs, call: call, clock: opts.Clock,
		attempts:  make([]int, len(reqs)),
		results:   make([]Result[Resp], len(reqs)),
		done:      make([]bool, len(reqs)),
		timedOut:  make([]int, len(reqs)),
		reasked:   make([]int, len(reqs)),
		running:   map[int]flight{},
		remaining: len(reqs),
		events:    make(chan attempt[Resp], 64),
		heard:     make(chan early[Resp]),
	}
	r.start = r.clock.Now()
	r.runCtx, r.cancel = context.WithCancel(ctx)
	for _, l := range opts.Hosts {
		h := newHost(l, r.start)
		// Every attempt of every request could go to one host.
		h.corrections = newLedger(len(reqs) * opts.MaxAttempts)
		r.hosts = append(r.hosts, h)
	}
	raw := make([]int, len(reqs))
	for i, q := range reqs {
		r.results[i].Host = -1
		if opts.EstimateTokens != nil {
			raw[i] = max(0, opts.EstimateTokens(q))
		}
	}
	r.est = newEstimator(raw)
	r.order, r.groups = schedule(reqs, opts.Priority, opts.Group)
	r.stats.Requests = len(reqs)
	r.stats.Blocked = map[Bottleneck]time.Duration{}
	if opts.OnResult != nil || opts.OnProgress != nil {
		// Buffered for every request, so handing a result over never waits
		// on a slow callback.
		r.cbs = make(chan callback[Resp], len(reqs))
		r.cbDone = make(chan struct{})
		go r.runCallbacks()
	}
	return r
}

// schedule orders the first attempts: by group in order of first
// appearance, then by descending priority, then by index.
func schedule[Req any](reqs []Req, priority func(Req) int, group func(Req) string) ([]int, groupTracker) {
	order := make([]int, len(reqs))
	prio := make([]int, len(reqs))
	gid := make([]int, len(reqs))
	ids := map[string]int{}
	for i, q := range reqs {
		order[i] = i
		if priority != nil {
			prio[i] = priority(q)
		}
		if group != nil {
			g := group(q)
			id, ok := ids[g]
			if !ok {
				id = len(ids)
				ids[g] = id
			}
			gid[i] = id
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(gid[a], gid[b]), cmp.Compare(prio[b], prio[a]))
	})
	return order, newGroupTracker(gid, len(ids), group != nil)
}

func (r *runner[Req, Resp]) runCallbacks() {
	defer close(r.cbDone)
	for c := range r.cbs {
		if r.opts.OnResult != nil {
			r.opts.OnResult(c.idx, c.res)
		}
		if r.opts.OnProgress != nil {
			r.opts.OnProgress(c.prog)
		}
	}
}

func (r *runner[Req, Resp]) loop(ctx context.Context) {
	for r.remaining > 0 && r.stopErr == nil && ctx.Err() == nil {
		now := r.clock.Now()
		wake := r.dispatch(now)
		if exp := r.expireLate(now); exp > 0 && (wake == 0 || exp < wake) {
			wake = exp
		}
		var timer <-chan time.Time
		if wake > 0 {
			timer = r.clock.After(wake)
		}
		select {
		case a := <-r.events:
			r.complete(a)
		case e := <-r.heard:
			r.hear(e)
		case <-timer:
		case <-ctx.Done():
		}
	}
	// Stop: calls still running see a canceled context and report back;
	// whatever did not finish gets the reason the run stopped.
	r.cancel()
	for r.inFlight > 0 {
		r.complete(<-r.events)
	}
	r.calls.Wait()
	reason := r.stopErr
	if reason == nil {
		reason = ctx.Err()
	}
	for i := range r.reqs {
		if !r.done[i] {
			r.finish(i, Result[Resp]{Err: reason, Attempts: r.attempts[i], Host: r.results[i].Host})
		}
	}
	if r.cbs != nil {
		close(r.cbs)
		<-r.cbDone
	}
	r.stats.Stopped = r.stopErr
}

// dispatch starts every attempt that may start now and returns how long
// until one might be allowed by time alone (a bucket refilling, a pause or
// cooldown ending, a backoff passing); 0 means only a finishing call can
// change anything.
func (r *runner[Req, Resp]) dispatch(now time.Time) time.Duration {
	for {
		if r.opts.MaxInFlight > 0 && r.inFlight >= r.opts.MaxInFlight {
			r.blocked(now, BottleneckConcurrency)
			return r.retryWake(now)
		}
		idx, ri := r.nextReady(now)
		if idx < 0 {
			b := BottleneckNone
			switch {
			case len(r.retries) > 0:
				b = BottleneckPause
			case r.inFlight > 0:
				b = BottleneckLatency
			}
			r.blocked(now, b)
			return r.retryWake(now)
		}
		best, bestFree, bestHedges := -1, -1.0, false
		hostWait, hostWhy := time.Duration(math.MaxInt64), BottleneckConcurrency
		for i, h := range r.hosts {
			if h.down {
				continue
			}
			limit := h.limit()
			spill, hedge := false, false
			if h.inFlight >= limit {
				w, ok := time.Duration(0), false
				if h.probeHolds() {
					w, ok = h.spillWait(now)
					if hw, hok := h.hedgeWait(now); hok && (!ok || hw < w) {
						w, ok, hedge = hw, true, true
					}
				}
				if !ok {
					continue
				}
				if w > 0 {
					if w < hostWait {
						hostWait, hostWhy = w, BottleneckConcurrency
					}
					continue
				}
				spill = true
			}
			if w, why := h.wait(now, r.est.of(idx)); w > 0 {
				if w < hostWait {
					hostWait, hostWhy = w, why
				}
				continue
			}
			// The host with the largest free share of its limit takes the
			// request, which spreads work in proportion to capacity; one
			// spilling past its probe takes it only if no other host can.
			free := float64(limit-h.inFlight) / float64(limit)
			if spill {
				free = -0.5
			}
			if free > bestFree {
				best, bestFree, bestHedges = i, free, hedge
			}
		}
		if best < 0 {
			r.blocked(now, hostWhy)
			wake := r.retryWake(now)
			if hostWait != time.Duration(math.MaxInt64) && (wake == 0 || hostWait < wake) {
				wake = hostWait
			}
			return wake
		}
		if bestHedges {
			r.hosts[best].hedges++
		}
		if ri >= 0 {
			r.retries = slices.Delete(r.retries, ri, ri+1)
		} else {
			r.next++
		}
		r.send(idx, best, now)
	}
}

// nextReady returns the request to send next: a retry whose backoff has
// passed (oldest first, since its group is already under way), else the
// next first attempt. ri is its index in r.retries, or -1.
func (r *runner[Req, Resp]) nextReady(now time.Time) (idx, ri int) {
	for i, p := range r.retries {
		if !p.notBefore.After(now) {
			return p.idx, i
		}
	}
	if r.next < len(r.order) {
		return r.order[r.next], -1
	}
	return -1, -1
}

// retryWake is how long until the next retry's backoff passes, 0 if none.
func (r *runner[Req, Resp]) retryWake(now time.Time) time.Duration {
	var wake time.Duration
	for _, p := range r.retries {
		if d := p.notBefore.Sub(now); d > 0 && (wake == 0 || d < wake) {
			wake = d
		}
	}
	return wake
}

func (r *runner[Req, Resp]) send(idx, hi int, now time.Time) {
	h := r.hosts[hi]
	est := r.est.of(idx)
	reqsUnsure, tokensUnsure := float64(h.inFlight), float64(h.tokensInFlight)
	take(h.req, now, 1)
	take(h.tok, now, est)
	h.sent++
	h.tokensSent += int64(est)
	h.tokensInFlight += int64(est)
	h.inFlight++
	r.inFlight++
	r.attempts[idx]++
	r.results[idx].Host = hi
	h.stats.Attempts++
	h.stats.PeakInFlight = max(h.stats.PeakInFlight, h.inFlight)
	r.stats.Attempts++
	r.stats.TokensEstimated += int64(est)
	r.stats.PeakInFlight = max(r.stats.PeakInFlight, r.inFlight)
	a := attempt[Resp]{
		idx: idx, host: hi, start: now, est: est, ctx: newAttemptCtx(r.runCtx, r.opts.Timeout),
		sent: h.sent, tokensSent: h.tokensSent, reqsUnsure: reqsUnsure, tokensUnsure: tokensUnsure,
		saturated: h.inFlight >= h.ctl.Limit(),
	}
	if !h.answered && h.probeSince.IsZero() {
		h.probeSince = now
	}
	r.running[idx] = flight{start: now, ctx: a.ctx}
	if !h.answered && h.limits.Probe > 0 {
		r.listen(a) // a probe: the rest wait for its headers
	}
	r.calls.Add(1)
	go func() {
		defer r.calls.Done()
		r.events <- r.invoke(a)
	}()
}

// invoke runs one call under its attempt context, turning a panic into a
// fatal error for this request alone.
func (r *runner[Req, Resp]) invoke(a attempt[Resp]) (out attempt[Resp]) {
	defer func() {
		if p := recover(); p != nil {
			a.err = fmt.Errorf("request %d: call panicked: %v", a.idx, p)
			a.fb = Feedback{Class: Fatal}
			a.end = r.clock.Now()
			out = a
		}
	}()
	a.resp, a.fb, a.err = r.call(a.ctx, a.host, r.reqs[a.idx])
	a.end = r.clock.Now()
	return a
}

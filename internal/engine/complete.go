package engine

import (
	"context"
	"errors"
	"time"
)

// complete takes in a finished attempt: corrects the buckets from its
// feedback, adapts the host, and finishes or requeues the request.
func (r *runner[Req, Resp]) complete(a attempt[Resp]) {
	h := r.hosts[a.host]
	a.ctx.release()
	heard := r.running[a.idx].heard
	delete(r.running, a.idx)
	h.inFlight--
	h.tokensInFlight -= int64(a.est)
	r.inFlight--
	now := r.clock.Now()
	latency := a.end.Sub(a.start)
	switch {
	case a.fb.Tokens > 0:
		r.est.learn(a.idx, a.fb.Tokens)
		adjust(h.tok, now, a.fb.Tokens-a.est)
		h.corrections.add(a.sent, float64(a.fb.Tokens-a.est))
		r.stats.TokensUsed += int64(a.fb.Tokens)
		h.stats.Tokens += int64(a.fb.Tokens)
	case a.err != nil && classify(a.err, a.fb) == RateLimited:
		// Refused on arrival: the host counted the request, not its
		// tokens, and the retry reserves them again.
		adjust(h.tok, now, -a.est)
		h.corrections.add(a.sent, -float64(a.est))
	}
	if rs := a.fb.Rate; rs != nil && !heard {
		r.applyRate(h, a, rs, now)
	}
	res := Result[Resp]{Attempts: r.attempts[a.idx], Host: a.host, Latency: latency, Reasked: r.reasked[a.idx]}
	switch {
	case a.err == nil:
		h.answered = true
	default:
		switch classify(a.err, a.fb) {
		case RateLimited, Overloaded, Invalid:
			h.answered = true
		}
	}
	if a.err == nil {
		h.stats.Succeeded++
		h.failsInRow, h.cooldowns = 0, 0
		h.lastOK, h.failsSinceOK = now, 0
		r.lat.add(latency)
		h.ctl.success(now, latency, a.saturated)
		if a.fb.Rate != nil {
			h.ctl.raiseTo(h.inFlight + h.headroom(now, r.est.mean()))
		}
		r.latencies = append(r.latencies, latency)
		res.Value = a.resp
		r.finish(a.idx, res)
		return
	}
	h.stats.Failed++
	if r.stopErr != nil || r.runCtx.Err() != nil {
		// The run is stopping; this failure is most likely the cancellation
		// itself, so report why the run stopped instead.
		res.Err = r.stopErr
		if res.Err == nil {
			res.Err = context.Cause(r.runCtx)
		}
		r.finish(a.idx, res)
		return
	}
	res.Err = a.err
	notBefore := now.Add(backoff(r.attempts[a.idx]+1, r.opts.BackoffBase, r.opts.BackoffMax, r.opts.Rand))
	switch classify(a.err, a.fb) {
	case StopAll:
		r.stopErr = a.err
		r.finish(a.idx, res)
		r.cancel()
		return
	case Fatal:
		r.finish(a.idx, res)
		return
	case Invalid:
		// The host answered, so it is alive; the answer was unusable.
		// Asked again once, at once; a second bad answer is final.
		h.lastOK, h.failsSinceOK = now, 0
		if r.reasked[a.idx] >= 1 || r.attempts[a.idx] >= r.opts.MaxAttempts {
			r.finish(a.idx, res)
			return
		}
		r.reasked[a.idx]++
		r.stats.Reasked++
		r.results[a.idx].Latency = latency
		r.retries = append(r.retries, pending{idx: a.idx, notBefore: now})
		r.stats.Retries++
		return
	case RateLimited:
		r.est.rateLimited()
		r.stats.RateLimited++
		h.stats.RateLimited++
		pause := a.fb.RetryAfter
		if pause <= 0 {
			pause = notBefore.Sub(now)
		}
		// The pause holds all dispatch to this host; the request itself may
		// go to another host at once.
		h.pausedUntil = later(h.pausedUntil, now.Add(pause))
		h.ctl.overload(now)
		notBefore = now
	case Overloaded:
		r.stats.Overloaded++
		h.stats.Overloaded++
		h.ctl.overload(now)
		if a.fb.RetryAfter > 0 {
			notBefore = now.Add(a.fb.RetryAfter)
		}
	default: // Retryable
		if errors.Is(a.err, context.DeadlineExceeded) {
			r.stats.Timeouts++
			r.timedOut[a.idx]++
		}
		h.failsInRow++
		if h.failsInRow >= r.opts.FailuresToCooldown {
			r.coolDown(h, now)
		}
		r.noteFailure(h, now, a.err)
		if r.stopErr != nil {
			r.finish(a.idx, Result[Resp]{Err: r.stopErr, Attempts: res.Attempts, Host: a.host, Latency: latency})
			return
		}
	}
	if r.attempts[a.idx] >= r.opts.MaxAttempts {
		r.finish(a.idx, res)
		return
	}
	r.results[a.idx].Latency = latency
	r.retries = append(r.retries, pending{idx: a.idx, notBefore: notBefore})
	r.stats.Retries++
}

// coolDown takes a failing host out of dispatch for an exponentially
// growing time; it comes back in slow start.
func (r *runner[Req, Resp]) coolDown(h *host, now time.Time) {
	d := r.opts.CooldownBase
	for i := 0; i < h.cooldowns && d < r.opts.CooldownMax; i++ {
		d *= 2
	}
	d = min(d, r.opts.CooldownMax)
	h.coolUntil = now.Add(d)
	h.cooldowns++
	h.failsInRow = 0
	h.stats.Cooldowns++
	r.stats.Cooldowns++
	h.ctl.reset(h.limits.StartConcurrency)
}

func (r *runner[Req, Resp]) finish(idx int, res Result[Resp]) {
	now := r.clock.Now()
	res.Finished = now.Sub(r.start)
	r.results[idx] = res
	r.done[idx] = true
	r.remaining--
	if res.Err != nil {
		r.stats.Failed++
	} else {
		r.stats.Succeeded++
	}
	r.groups.finished(idx, res.Finished)
	if r.cbs != nil {
		r.cbs <- callback[Resp]{idx: idx, res: res, prog: r.progress()}
	}
}

func (r *runner[Req, Resp]) progress() Progress {
	p := Progress{
		Done: r.stats.Succeeded + r.stats.Failed, Total: len(r.reqs), Failed: r.stats.Failed,
		InFlight: r.inFlight, Retries: r.stats.Retries, Bottleneck: r.current,
	}
	for _, h := range r.hosts {
		p.Limit += h.limit()
	}
	return p
}

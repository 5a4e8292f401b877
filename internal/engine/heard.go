package engine

import (
	"context"
	"sync"
	"time"
)

// A host's rate-limit headers come with its answers, and until the first
// one the engine does not know the account's tier: it holds a host to
// HostLimits.Probe requests until then. A streamed answer's headers
// arrive with its first byte, while the model has still to write the
// answer, so a call that streams can hand them over early (Heard) and
// the rest of the job leaves a whole answer sooner.

// heardKey finds an attempt's hearing in its context.
type heardKey struct{}

// hearing is what a probe's context carries for Heard and Probing; other
// attempts have none, since nothing waits for their headers.
type hearing struct {
	once   sync.Once
	report func(*RateState)
}

// early is a call's rate-limit headers, heard before its answer.
type early[Resp any] struct {
	a  attempt[Resp]
	rs *RateState
}

// Heard hands the engine the rate-limit headers of the answer a call is
// still receiving: the engine corrects its buckets and lifts the probe
// now, not when the answer is complete, and ignores the same headers in
// the call's Feedback later. Only ctx's first report counts; ctx is the
// call's (or derived from it), and a context that is not a probe's is
// ignored.
func Heard(ctx context.Context, rs *RateState) {
	if h, ok := ctx.Value(heardKey{}).(*hearing); ok && rs != nil {
		h.once.Do(func() { h.report(rs) })
	}
}

// Probing reports whether the call holding ctx is one of its host's probe
// (HostLimits.Probe), sent before the host had answered once: its headers
// are what the rest of the job waits for, so it is worth streaming to get
// them early (see Heard).
func Probing(ctx context.Context) bool {
	_, ok := ctx.Value(heardKey{}).(*hearing)
	return ok
}

// Value makes the attempt's hearing reachable through its context.
func (c *attemptCtx) Value(key any) any {
	if _, ok := key.(heardKey); ok && c.hearing != nil {
		return c.hearing
	}
	return c.Context.Value(key)
}

// listen lets a probe's call report its headers early: the report goes to
// the dispatcher, unless the attempt has ended first (the run may be
// stopping and no longer listening).
func (r *runner[Req, Resp]) listen(a attempt[Resp]) {
	a.ctx.hearing = &hearing{report: func(rs *RateState) {
		select {
		case r.heard <- early[Resp]{a: a, rs: rs}:
		case <-a.ctx.Done():
		}
	}}
}

// hear applies headers heard early, as complete applies an answer's: the
// host has answered, so the probe lifts, and its buckets and concurrency
// follow what the headers show. A report from an attempt that has ended
// is dropped (its completion applied the headers already).
func (r *runner[Req, Resp]) hear(e early[Resp]) {
	f, ok := r.running[e.a.idx]
	if !ok || f.ctx != e.a.ctx {
		return
	}
	f.heard = true
	r.running[e.a.idx] = f
	h := r.hosts[e.a.host]
	now := r.clock.Now()
	h.answered = true
	r.applyRate(h, e.a, e.rs, now)
	h.ctl.raiseTo(h.inFlight + h.headroom(now, r.est.mean()))
}

// applyRate applies one answer's rate-limit headers to its host's
// buckets. What was sent since counts at what it turned out to cost where
// it has answered, else at what was reserved for it.
func (r *runner[Req, Resp]) applyRate(h *host, a attempt[Resp], rs *RateState, now time.Time) {
	tokensAfter := float64(h.tokensSent-a.tokensSent) + h.corrections.after(a.sent)
	h.observe(&h.req, rs.Requests, now, float64(h.sent-a.sent), a.reqsUnsure, now.Sub(a.start))
	h.observe(&h.tok, rs.Tokens, now, tokensAfter, a.tokensUnsure, now.Sub(a.start))
}

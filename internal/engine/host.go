package engine

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// host is one host's dispatch state. Only the dispatcher goroutine touches
// it, so it needs no lock.
type host struct {
	limits HostLimits
	ctl    *controller
	// req and tok are the request and token buckets, nil when unlimited.
	req, tok *rate.Limiter

	inFlight    int
	pausedUntil time.Time // a 429's retry-after, or a header's reset
	coolUntil   time.Time // cooldown after failing repeatedly
	failsInRow  int
	cooldowns   int
	// lastOK is the last success (the run's start before one), and
	// failsSinceOK the failures since; together they mark a host down.
	lastOK       time.Time
	failsSinceOK int
	down         bool
	// answered is set by the first answer that shows the host accepts
	// the requests (a success, a rate limit, an unusable answer).
	answered bool
	// probeSince is when the first request left, and hedges how many went
	// past the probe since for want of an answer (HostLimits.ProbeHedge).
	probeSince time.Time
	hedges     int
	// reportedRPM and reportedTPM are the limits the host's own headers
	// gave, 0 until they give one.
	reportedRPM, reportedTPM int

	// sent and tokensSent count what was dispatched so far, so an answer's
	// "remaining" can be compared with what was sent after that answer's
	// request, which the host had not counted yet.
	sent, tokensSent int64
	tokensInFlight   int64
	// corrections holds, by send number, what answers showed each
	// request's tokens to be beyond what was reserved for it.
	corrections ledger

	stats HostStats
}

func newHost(l HostLimits, now time.Time) *host {
	h := &host{limits: l, ctl: newController(l.StartConcurrency, l.MaxConcurrency), lastOK: now}
	h.stats.Name = l.Name
	if l.RPM > 0 {
		h.req = newBucket(l.RPM, l.Window)
	}
	if l.TPM > 0 {
		h.tok = newBucket(l.TPM, l.Window)
	}
	take(h.req, now, l.RequestsSpent)
	take(h.tok, now, l.TokensSpent)
	return h
}

// limit is the host's concurrency limit now: HostLimits.Probe until the
// host has answered once.
func (h *host) limit() int {
	if !h.answered && h.limits.Probe > 0 {
		return min(h.ctl.Limit(), h.limits.Probe)
	}
	return h.ctl.Limit()
}

// probeHolds reports whether the Probe cap, not the adaptive limit, is
// what keeps the host from taking another request now.
func (h *host) probeHolds() bool {
	return !h.answered && h.limits.Probe > 0 && h.inFlight >= h.limits.Probe && h.inFlight < h.ctl.Limit()
}

// spillWait is, while the probe holds the host (ProbeSpill), how long
// until every bucket it knows is full again: a request sent then takes
// only refill that waiting would lose. ok is false when spilling is off
// or no bucket is known.
func (h *host) spillWait(now time.Time) (d time.Duration, ok bool) {
	if !h.limits.ProbeSpill || (h.req == nil && h.tok == nil) {
		return 0, false
	}
	for _, b := range []*rate.Limiter{h.req, h.tok} {
		if b != nil {
			d = max(d, bucketWait(b, now, b.Burst()))
		}
	}
	return d, true
}

// hedgeWait is, while the probe holds the host, how long until the probe
// has gone without an answer long enough for one more request to go
// beside it (HostLimits.ProbeHedge); ok is false when hedging is off.
func (h *host) hedgeWait(now time.Time) (d time.Duration, ok bool) {
	if h.limits.ProbeHedge <= 0 || h.probeSince.IsZero() {
		return 0, false
	}
	at := h.probeSince.Add(h.limits.ProbeHedge << min(h.hedges, 20))
	return max(0, at.Sub(now)), true
}

// headroom is how many more requests of about perRequest tokens the
// host's buckets would admit now; 0 without buckets (no room is known).
func (h *host) headroom(now time.Time, perRequest int) int {
	if h.req == nil && h.tok == nil {
		return 0
	}
	room := math.MaxInt
	if h.req != nil {
		room = int(h.req.TokensAt(now))
	}
	if h.tok != nil && perRequest > 0 {
		room = min(room, int(h.tok.TokensAt(now))/perRequest)
	}
	return max(0, room)
}

// newBucket holds perWindow units and refills them continuously over the
// window, starting full, as the hosted APIs' own buckets do.
func newBucket(perWindow int, window time.Duration) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(perWindow)/window.Seconds()), perWindow)
}

// wait is how long until this host could take a request needing tokens,
// ignoring its concurrency gate (0 means now), and what it waits for.
func (h *host) wait(now time.Time, tokens int) (time.Duration, Bottleneck) {
	var d time.Duration
	why := BottleneckNone
	if h.coolUntil.After(now) {
		d, why = h.coolUntil.Sub(now), BottleneckPause
	}
	if h.pausedUntil.After(now) && h.pausedUntil.Sub(now) > d {
		d, why = h.pausedUntil.Sub(now), BottleneckPause
	}
	if w := bucketWait(h.req, now, 1); w > d {
		d, why = w, BottleneckRequests
	}
	if w := bucketWait(h.tok, now, tokens); w > d {
		d, why = w, BottleneckTokens
	}
	return d, why
}

// bucketWait is how long until b holds n units (capped at its size, so a
// request larger than the bucket waits for a full bucket, not forever).
func bucketWait(b *rate.Limiter, now time.Time, n int) time.Duration {
	if b == nil || n <= 0 {
		return 0
	}
	n = min(n, b.Burst())
	missing := float64(n) - b.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing / float64(b.Limit()) * float64(time.Second)))
}

// take debits n units (capped at the bucket's size).
func take(b *rate.Limiter, now time.Time, n int) {
	if b == nil || n <= 0 {
		return
	}
	b.ReserveN(now, min(n, b.Burst()))
}

// adjust corrects a bucket by delta units: positive debits what an
// estimate missed, negative refunds what it overstated. A negative
// ReserveN adds the units back; the limiter caps them at its burst on its
// next advance (TestBucketRefund checks this stays so).
func adjust(b *rate.Limiter, now time.Time, delta int) {
	if b == nil || delta == 0 {
		return
	}
	for delta > 0 {
		n := min(delta, b.Burst())
		b.ReserveN(now, n)
		delta -= n
	}
	if delta < 0 {
		b.ReserveN(now, delta)
	}
}

// observe applies a host's reported bucket state to the local bucket b (which
// may be nil when no limit was configured: then one is made from the
// report). sentAfter is what this host was sent after the answered request
// left, which the host's Remaining does not include yet; since is how long
// ago that request left, during which the host's bucket refilled.
//
// unsure is what was in flight when the answered request left: any of it
// may have reached the host after that request did, so be missing from
// its count, and may have answered since, so be in flight no longer
// (requests race to the host, and a burst is admitted in no particular
// order). A lower report is believed as it is; a higher one only after
// taking unsure off, so a burst of answers cannot raise the bucket above
// what the host will allow: counting only what is still in flight let
// reports from requests admitted early raise it again and again, and the
// burst that followed met 429s.
func (h *host) observe(bp **rate.Limiter, rep *Bucket, now time.Time, sentAfter, unsure float64, since time.Duration) {
	if rep == nil {
		return
	}
	b := *bp
	if rep.Limit > 0 {
		h.reported(bp, rep.Limit)
		perSec := rate.Limit(float64(rep.Limit) / h.limits.Window.Seconds())
		if b == nil {
			b = rate.NewLimiter(perSec, int(rep.Limit))
			*bp = b
		} else if b.Limit() != perSec || int64(b.Burst()) != rep.Limit {
			b.SetLimitAt(now, perSec)
			b.SetBurstAt(now, int(rep.Limit))
		}
	}
	if rep.Remaining < 0 {
		return
	}
	if b == nil {
		// Remaining without a limit: all we can do is wait out the reset
		// when nothing is left.
		if rep.Remaining == 0 && rep.Reset > 0 {
			h.pausedUntil = later(h.pausedUntil, now.Add(rep.Reset))
		}
		return
	}
	if rep.Limit < 0 && rep.Remaining > int64(b.Burst()) {
		// More left than the bucket holds: the account allows more than
		// we were told. Grow the bucket (and its refill) to what is known.
		b.SetLimitAt(now, rate.Limit(float64(rep.Remaining)/h.limits.Window.Seconds()))
		b.SetBurstAt(now, int(rep.Remaining))
	}
	refilled := float64(b.Limit()) * since.Seconds()
	target := float64(rep.Remaining) + refilled - sentAfter
	have := b.TokensAt(now)
	switch {
	case target < have:
		adjust(b, now, int(math.Ceil(have-target)))
	case rep.Remaining > 0 && target-unsure > have+1:
		// The host's count is the truth, ours an estimate: raise too.
		// Not from a report of 0, which hosts send for a bucket in debt
		// (refused requests count too) as well as for an empty one.
		adjust(b, now, -int(math.Floor(min(target-unsure, float64(b.Burst()))-have)))
	}
}

// reported notes a limit the host's headers gave for bucket bp.
func (h *host) reported(bp **rate.Limiter, limit int64) {
	if bp == &h.req {
		h.reportedRPM = int(limit)
	} else {
		h.reportedTPM = int(limit)
	}
}

// report is what the host's headers showed, with the buckets' contents
// at now. A bucket the headers never sized is left out: its contents are
// only the configured guess.
func (h *host) report(now time.Time) Reported {
	rep := Reported{At: now}
	if h.reportedRPM > 0 && h.req != nil {
		rep.RPM, rep.RequestsLeft = h.reportedRPM, max(0, int(h.req.TokensAt(now)))
	}
	if h.reportedTPM > 0 && h.tok != nil {
		rep.TPM, rep.TokensLeft = h.reportedTPM, max(0, int(h.tok.TokensAt(now)))
	}
	return rep
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// HostStats are one host's share of a run.
type HostStats struct {
	// Name is HostLimits.Name.
	Name string
	// Attempts, Succeeded and Failed count attempts sent to the host and
	// how they ended.
	Attempts, Succeeded, Failed int
	// RateLimited and Overloaded count 429s and 503/529s.
	RateLimited, Overloaded int
	// Cooldowns counts how often the host was cooled down.
	Cooldowns int
	// PeakInFlight is the most attempts in flight at once.
	PeakInFlight int
	// Limit is the concurrency limit the host ended with.
	Limit int
	// Tokens is what the host reported using.
	Tokens int64
	// RequestLimit and TokenLimit are the request and token buckets' sizes
	// per HostLimits.Window at the end (as configured, or as the host's
	// headers re-set them); 0 when unlimited.
	RequestLimit, TokenLimit int
	// Down reports that the host was marked down (Options.DownAfter).
	Down bool
	// Reported is what the host's own headers showed of its limits.
	Reported Reported
}

// Reported is what a host's rate-limit headers showed of the account by
// the end of a run: what a later run needs to start where this one left
// off (HostLimits.RequestsSpent and TokensSpent) instead of probing.
type Reported struct {
	// RPM and TPM are the limits per Window the headers gave; 0 when they
	// gave none.
	RPM, TPM int
	// RequestsLeft and TokensLeft are what the buckets held At the run's
	// end, the headers' counts carried forward by what was sent since.
	RequestsLeft, TokensLeft int
	At                       time.Time
}

// Known reports whether the headers gave any limit.
func (r Reported) Known() bool { return r.RPM > 0 || r.TPM > 0 }

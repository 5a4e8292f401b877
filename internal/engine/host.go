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

	// sent and tokensSent count what was dispatched so far, so an answer's
	// "remaining" can be compared with what was sent after that answer's
	// request, which the host had not counted yet.
	sent, tokensSent int64

	stats HostStats
}

func newHost(l HostLimits, now time.Time) *host {
	h := &host{limits: l, ctl: newController(l.StartConcurrency, l.MaxConcurrency)}
	h.stats.Name = l.Name
	if l.RPM > 0 {
		h.req = newBucket(l.RPM, l.Window)
	}
	if l.TPM > 0 {
		h.tok = newBucket(l.TPM, l.Window)
	}
	return h
}

// newBucket holds perWindow units and refills them continuously over the
// window, starting full, as the hosted APIs' own buckets do.
func newBucket(perWindow int, window time.Duration) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(perWindow)/window.Seconds()), perWindow)
}

// wait is how long until this host could take a request needing tokens,
// ignoring its concurrency gate; 0 means now.
func (h *host) wait(now time.Time, tokens int) time.Duration {
	var d time.Duration
	if h.coolUntil.After(now) {
		d = h.coolUntil.Sub(now)
	}
	if h.pausedUntil.After(now) {
		d = max(d, h.pausedUntil.Sub(now))
	}
	d = max(d, bucketWait(h.req, now, 1))
	d = max(d, bucketWait(h.tok, now, tokens))
	return d
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

// lowerTo makes b hold at most target units now.
func lowerTo(b *rate.Limiter, now time.Time, target float64) {
	if have := b.TokensAt(now); target < have {
		adjust(b, now, int(math.Ceil(have-target)))
	}
}

// observe applies a host's reported bucket state to the local bucket b (which
// may be nil when no limit was configured: then one is made from the
// report). sentAfter is what this host was sent after the answered request
// left, which the host's Remaining does not include yet; since is how long
// ago that request left, during which the host's bucket refilled.
func (h *host) observe(bp **rate.Limiter, rep *Bucket, now time.Time, sentAfter float64, since time.Duration) {
	if rep == nil {
		return
	}
	b := *bp
	if rep.Limit > 0 {
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
	refilled := float64(b.Limit()) * since.Seconds()
	lowerTo(b, now, float64(rep.Remaining)+refilled-sentAfter)
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
}

package engine

import (
	"math"
	"time"
)

// controller adapts one host's concurrency limit. It starts low and, while
// the limit is what holds the host back, grows it by one per success (slow
// start: doubling every round trip) up to a threshold, then by 1/limit per
// success (one per round trip). A 429, 503 or latency well above the
// lowest seen (requests queueing at the server) multiplies it by beta, at
// most once per round trip so one burst of bad answers counts once.
//
// Hosted APIs punish bursts and Ollama does not say how many slots it has;
// both are found this way, from what the host does, not from a table.
type controller struct {
	limit    float64
	max      float64
	ssthresh float64
	// floor is the start limit: latency alone never lowers the limit
	// below it. The baseline latency was measured there, so latency
	// rising at or below it is not this client's requests queueing at
	// the server but the server (or the machine) slowing down, and
	// shrinking would only leave slots idle for a round trip each time
	// one frees. A 429 or 503 still lowers it as far as it must.
	floor float64

	ewma     time.Duration // smoothed latency of successful attempts
	baseline time.Duration // lowest smoothed latency seen, aged slowly
	samples  int
	lastDrop time.Time
	// hold counts successes to wait after a decrease before latency may
	// cause another: the smoothed latency needs that long to show the
	// effect of the lower limit, and deciding on the old value would drop
	// the limit twice for one bout of queueing (below the server's slots).
	hold int
}

const (
	// beta is the multiplicative decrease. 0.75 rather than TCP's 0.5
	// because a server with K slots and a queue stays fully busy as long as
	// the limit stays at or above K, which 0.75 of a queueing limit keeps.
	beta = 0.75
	// latencyFactor is how far the smoothed latency may rise above the
	// baseline before it counts as queueing.
	latencyFactor = 1.6
	// ewmaAlpha weights each new latency sample.
	ewmaAlpha = 0.1
	// baselineSamples is how many samples make the first baseline, and
	// warmSamples how many are needed before latency may cause a decrease.
	baselineSamples = 4
	warmSamples     = 8
	// baselineAging lets the baseline drift up by this fraction per sample,
	// so one lucky early streak does not make later normal latency look
	// like queueing forever.
	baselineAging = 0.001
)

func newController(start, maxLimit int) *controller {
	return &controller{limit: float64(start), max: float64(maxLimit), ssthresh: math.Inf(1), floor: float64(min(start, maxLimit))}
}

// Limit is the number of attempts that may be in flight now.
func (c *controller) Limit() int {
	return max(1, int(math.Round(c.limit)))
}

// success records a successful attempt that took latency. saturated says
// whether the limit was full when the attempt started: only then is the
// limit what holds throughput back, and only then is growing it useful.
func (c *controller) success(now time.Time, latency time.Duration, saturated bool) {
	c.samples++
	// A plain mean until there are 1/alpha samples, so the first ones are
	// not weighted by the very first alone.
	weight := max(ewmaAlpha, 1/float64(c.samples))
	c.ewma = time.Duration(float64(c.ewma)*(1-weight) + float64(latency)*weight)
	// The baseline starts from the first requests, which were sent at the
	// start limit, before slow start could make the server queue them.
	switch {
	case c.samples < baselineSamples:
	case c.baseline == 0 || c.ewma < c.baseline:
		c.baseline = c.ewma
	default:
		c.baseline = time.Duration(float64(c.baseline) * (1 + baselineAging))
	}
	if c.hold > 0 {
		// Neither decrease nor grow until the new limit shows in latency:
		// growing now would undo the decrease before it could be judged.
		c.hold--
		return
	}
	if c.samples >= warmSamples && float64(c.ewma) > latencyFactor*float64(c.baseline) && c.limit > c.floor {
		c.decrease(now)
		c.limit = max(c.limit, c.floor)
		c.ssthresh = c.limit
		return
	}
	if !saturated {
		return
	}
	if c.limit < c.ssthresh {
		c.limit++
	} else {
		c.limit += 1 / c.limit
	}
	c.limit = min(c.limit, c.max)
}

// raiseTo lifts the limit to n at once when the host's own rate-limit
// headers show room for that many, as long as nothing has yet made the
// limit fall (a 429, a 503, queueing latency): the buckets, not the
// round trips of slow start, then pace a hosted API, and a job that fits
// the account's bucket goes out in one burst as the server allows.
func (c *controller) raiseTo(n int) {
	if math.IsInf(c.ssthresh, 1) && c.hold == 0 && float64(n) > c.limit {
		c.limit = min(float64(n), c.max)
	}
}

// overload records a 429 or 503: the host refused work.
func (c *controller) overload(now time.Time) {
	c.decrease(now)
}

// decrease applies the multiplicative decrease unless one happened within
// the last round trip (the smoothed latency).
func (c *controller) decrease(now time.Time) {
	rtt := c.ewma
	if rtt <= 0 {
		rtt = 100 * time.Millisecond
	}
	if !c.lastDrop.IsZero() && now.Sub(c.lastDrop) < rtt {
		return
	}
	c.lastDrop = now
	c.limit = max(1, c.limit*beta)
	c.ssthresh = c.limit
	// A round of the new limit and then some, by which time the smoothed
	// latency (alpha 0.1) has mostly caught up.
	c.hold = int(c.limit) + warmSamples
}

// reset returns to slow start from start, for a host back from cooldown.
func (c *controller) reset(start int) {
	c.limit = min(float64(start), c.max)
	c.ssthresh = math.Inf(1)
	c.samples, c.ewma, c.baseline, c.hold = 0, 0, 0, 0
}

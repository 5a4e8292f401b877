package engine

import "math"

// estimator turns the caller's token estimates into what the token bucket
// reserves. A caller's estimate is a guess made before the call (bytes
// over four, plus the whole answer cap): for short answers it can be
// twice what the host then reports using, and every reserved token that
// is not used holds the bucket back until the answer refunds it, a round
// trip later. The first burst would then fill only part of the account's
// bucket, and a token-bound run would trail the host's refill by the
// overestimate of everything in flight. So the ratio of reported to
// estimated tokens is learned from the answers and applied to the
// requests not yet sent, in both directions (an estimate that runs low
// would cost 429s instead).
//
// A host may charge its limit more than it reports using (OpenAI counts
// max_tokens when it admits a request): there, reserving only what was
// used would run ahead of the host's own count. Its 429s say so, and
// after one the estimates are never scaled below the caller's again.
type estimator struct {
	raw     []int
	rawMean float64
	ratios  recent[float64] // used/estimated, of recent answers
	scale   float64
	// atLeastRaw is set by a rate-limit answer: from then on the scale
	// does not go below 1.
	atLeastRaw bool
}

const (
	// ratioWindow is how many recent answers the scale looks at, and
	// minRatioSamples how many it needs before it departs from 1.
	ratioWindow     = 64
	minRatioSamples = 4
	// ratioQuantile is the share of recent answers the scaled estimate
	// covers: a high quantile rather than the mean, so that requests whose
	// answers run long are still reserved for, and the host's own count
	// rarely exceeds what was reserved.
	ratioQuantile = 0.9
)

func newEstimator(raw []int) estimator {
	e := estimator{raw: raw, scale: 1, ratios: recent[float64]{size: ratioWindow}}
	var sum float64
	for _, n := range raw {
		sum += float64(n)
	}
	if len(raw) > 0 {
		e.rawMean = sum / float64(len(raw))
	}
	return e
}

// of is what request idx reserves now.
func (e *estimator) of(idx int) int {
	return int(math.Ceil(float64(e.raw[idx]) * e.scale))
}

// mean is what an average request reserves now.
func (e *estimator) mean() int {
	return int(math.Ceil(e.rawMean * e.scale))
}

// learn records that request idx, estimated at its raw estimate, was
// reported to use used tokens.
func (e *estimator) learn(idx, used int) {
	raw := e.raw[idx]
	if raw <= 0 || used <= 0 {
		return
	}
	e.ratios.add(float64(used) / float64(raw))
	if e.ratios.seen >= minRatioSamples {
		e.scale = e.ratios.quantile(ratioQuantile)
	}
	if e.atLeastRaw {
		e.scale = max(e.scale, 1)
	}
}

// rateLimited records a 429: the host's count ran ahead of the buckets,
// so estimates go back to at least what the caller gave.
func (e *estimator) rateLimited() {
	e.atLeastRaw = true
	e.scale = max(e.scale, 1)
}

// ledger sums, by send order, what answers showed requests really cost
// against what was reserved for them (used minus reserved; a refused
// request cost nothing). A host's report is as of the answered request's
// arrival; what the requests sent after it cost since is what they
// reserved plus their corrections so far, which the ledger gives in
// logarithmic time however many requests a run sends (a Fenwick tree).
type ledger []float64

// newLedger holds n sends, numbered from 1.
func newLedger(n int) ledger { return make(ledger, n+1) }

// add records a correction of v for send number seq.
func (l ledger) add(seq int64, v float64) {
	for i := int(seq); i > 0 && i < len(l); i += i & -i {
		l[i] += v
	}
}

// upTo is the sum of the corrections of sends 1 to seq.
func (l ledger) upTo(seq int64) float64 {
	var s float64
	for i := min(int(seq), len(l)-1); i > 0; i -= i & -i {
		s += l[i]
	}
	return s
}

// after is the sum of the corrections of sends after seq.
func (l ledger) after(seq int64) float64 {
	return l.upTo(int64(len(l)-1)) - l.upTo(seq)
}

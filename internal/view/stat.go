package view

import (
	"math"
	"strings"
)

// Durations go into logarithmic buckets, four per doubling, from 1 µs up:
// a percentile read from them is within 10% of the true value, and the
// memory per span name is fixed however many spans arrive.
const (
	bucketsPerDoubling = 4
	buckets            = 38 * bucketsPerDoubling // 1 µs · 2^38 ≈ 76 hours
	firstBucketNs      = 1000.0
)

// maxLoopsPerName bounds the loop counters kept for one span name.
const maxLoopsPerName = 64

// stat is what is known about every span of one name.
type stat struct {
	service, name string
	count, errors int64
	totalNs       int64
	hist          [buckets]uint64
	loops         map[string]int64 // "<loop event>.iterations" attribute → sum
}

func (st *stat) add(sp *Span) {
	st.count++
	if sp.Error {
		st.errors++
	}
	d := sp.Duration()
	st.totalNs += d
	st.hist[bucketOf(d)]++
	for _, kv := range sp.Attrs {
		loop, ok := strings.CutSuffix(kv.Key, ".iterations")
		if !ok {
			continue
		}
		n, ok := parseCount(kv.Value)
		if !ok {
			continue
		}
		if _, known := st.loops[loop]; known || len(st.loops) < maxLoopsPerName {
			st.loops[loop] += n
		}
	}
}

func bucketOf(ns int64) int {
	if float64(ns) <= firstBucketNs {
		return 0
	}
	b := int(math.Log2(float64(ns)/firstBucketNs)*bucketsPerDoubling) + 1
	return min(b, buckets-1)
}

// bucketValue is the middle of a bucket on the logarithmic scale, in ns.
func bucketValue(b int) float64 {
	if b == 0 {
		return firstBucketNs / 2
	}
	return firstBucketNs * math.Pow(2, (float64(b)-0.5)/bucketsPerDoubling)
}

// percentile reads the q-th quantile (0 < q ≤ 1) from the histogram, in ms.
func (st *stat) percentile(q float64) float64 {
	if st.count == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(st.count)))
	var seen int64
	for b, n := range st.hist {
		seen += int64(n)
		if seen >= rank {
			return bucketValue(b) / 1e6
		}
	}
	return bucketValue(buckets-1) / 1e6
}

func (st *stat) hotspot() Hotspot {
	return Hotspot{
		Service: st.service, Name: st.name, Count: st.count, Errors: st.errors,
		P50: st.percentile(0.50), P95: st.percentile(0.95), P99: st.percentile(0.99),
		TotalMs: float64(st.totalNs) / 1e6,
	}
}

// parseCount reads a non-negative whole number as attributes render it.
func parseCount(v string) (int64, bool) {
	if v == "" || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}

package engine

import (
	"slices"
	"time"
)

// Stats are a run's totals, for the summary line and the benchmark.
type Stats struct {
	// Requests is the number of requests; Succeeded and Failed split them.
	Requests, Succeeded, Failed int
	// Attempts counts calls made; Retries those beyond a request's first.
	Attempts, Retries int
	// RateLimited and Overloaded count 429 and 503/529 answers; Timeouts
	// counts attempts that ran past their deadline.
	RateLimited, Overloaded, Timeouts int
	// Cooldowns counts hosts taken out of dispatch for failing repeatedly.
	Cooldowns int
	// TokensEstimated is what was reserved before calls; TokensUsed what the
	// hosts reported using.
	TokensEstimated, TokensUsed int64
	// PeakInFlight is the most attempts running at once, over all hosts.
	PeakInFlight int
	// LatencyP50 and LatencyP95 are percentiles of successful attempts.
	LatencyP50, LatencyP95 time.Duration
	// Wall is the run's duration.
	Wall time.Duration
	// Hosts holds each host's share, in Options.Hosts order.
	Hosts []HostStats
	// Groups describes when groups (files) finished; zero without
	// Options.Group.
	Groups GroupStats
	// Stopped is the StopAll error that ended the run early, if any.
	Stopped error
	// Reasked counts invalid answers asked again (at most once each).
	Reasked int
	// Blocked is how long dispatch waited on each bottleneck; the largest
	// says what limited the run.
	Blocked map[Bottleneck]time.Duration
}

// Bottleneck returns what held the run back longest, BottleneckNone when
// nothing did.
func (s Stats) Bottleneck() Bottleneck {
	best := BottleneckNone
	for b := BottleneckLatency; b < numBottlenecks; b++ {
		if s.Blocked[b] > s.Blocked[best] || (best == BottleneckNone && s.Blocked[b] > 0) {
			best = b
		}
	}
	return best
}

// GroupStats describe when groups finished, measured from the run's start.
// A group has finished when every one of its requests has, whether it
// succeeded or not.
type GroupStats struct {
	// Count is the number of groups.
	Count int
	// First, Median and Last are completion times of the first, middle and
	// last group to finish.
	First, Median, Last time.Duration
	// MaxGap is the longest wait between two groups finishing (or from the
	// start to the first): small when groups finish steadily.
	MaxGap time.Duration
}

type groupTracker struct {
	enabled bool
	gid     []int
	left    []int
	times   []time.Duration
}

func newGroupTracker(gid []int, n int, enabled bool) groupTracker {
	g := groupTracker{enabled: enabled, gid: gid, left: make([]int, n)}
	for _, id := range gid {
		if enabled {
			g.left[id]++
		}
	}
	return g
}

func (g *groupTracker) finished(idx int, at time.Duration) {
	if !g.enabled {
		return
	}
	id := g.gid[idx]
	g.left[id]--
	if g.left[id] == 0 {
		g.times = append(g.times, at)
	}
}

func (g *groupTracker) stats() GroupStats {
	if !g.enabled || len(g.times) == 0 {
		return GroupStats{}
	}
	t := slices.Clone(g.times)
	slices.Sort(t)
	s := GroupStats{Count: len(g.left), First: t[0], Median: t[len(t)/2], Last: t[len(t)-1], MaxGap: t[0]}
	for i := 1; i < len(t); i++ {
		s.MaxGap = max(s.MaxGap, t[i]-t[i-1])
	}
	return s
}

func (r *runner[Req, Resp]) finalStats() Stats {
	s := r.stats
	s.Wall = r.clock.Now().Sub(r.start)
	s.LatencyP50 = Percentile(r.latencies, 0.50)
	s.LatencyP95 = Percentile(r.latencies, 0.95)
	for _, h := range r.hosts {
		hs := h.stats
		hs.Limit = h.ctl.Limit()
		hs.Down = h.down
		if h.req != nil {
			hs.RequestLimit = h.req.Burst()
		}
		if h.tok != nil {
			hs.TokenLimit = h.tok.Burst()
		}
		hs.Reported = h.report(r.clock.Now())
		s.Hosts = append(s.Hosts, hs)
	}
	s.Groups = r.groups.stats()
	r.blocked(r.clock.Now(), BottleneckNone)
	s.Blocked = r.stats.Blocked
	return s
}

// Percentile returns the nearest-rank percentile p (0..1) of d, or 0 for no
// samples. d is not modified.
func Percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

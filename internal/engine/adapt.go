package engine

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Bottleneck names what holds a run back at a moment: what dispatch was
// waiting for when it could not send the next request.
type Bottleneck int

// The bottlenecks, in the words -v prints.
const (
	// BottleneckNone: nothing is waiting to be sent.
	BottleneckNone Bottleneck = iota
	// BottleneckLatency: every request has been sent; the run waits for
	// the server's answers.
	BottleneckLatency
	// BottleneckConcurrency: requests are ready but every host has as many
	// in flight as its adaptive limit (or --max-parallel) allows.
	BottleneckConcurrency
	// BottleneckRequests and BottleneckTokens: a host's request or token
	// bucket is empty until it refills.
	BottleneckRequests
	BottleneckTokens
	// BottleneckPause: a 429's retry-after, a header's reset, a failing
	// host's cooldown or a retry's backoff holds dispatch.
	BottleneckPause
	numBottlenecks
)

var bottleneckNames = [...]string{"nothing", "server latency", "concurrency", "request bucket", "token bucket", "retry-after pause"}

// String names the bottleneck.
func (b Bottleneck) String() string {
	if b >= 0 && int(b) < len(bottleneckNames) {
		return bottleneckNames[b]
	}
	return fmt.Sprintf("bottleneck(%d)", int(b))
}

// HostsDownError stops a run whose every host stopped answering: each
// failed for Options.DownAfter without one success.
type HostsDownError struct {
	// For is how long the last host had gone without an answer.
	For time.Duration
	// Last is the last failure seen.
	Last error
}

func (e *HostsDownError) Error() string {
	return fmt.Sprintf("no host answered for %s: %v", e.For.Round(time.Second), e.Last)
}

// Unwrap returns the last failure.
func (e *HostsDownError) Unwrap() error { return e.Last }

// IsHostsDown reports whether err stopped a run because every host was down.
func IsHostsDown(err error) bool {
	var e *HostsDownError
	return errors.As(err, &e)
}

// latencyWindow is how many recent successful latencies the adaptive
// timeout looks at: enough for a stable 99th percentile, few enough to
// follow a server that slows down.
const latencyWindow = 200

// minTimeoutSamples is how many answers must have been seen before the
// timeout adapts; before that, only the ceiling is known to be safe (a
// local model may first have to load).
const minTimeoutSamples = 16

// recent keeps the last size values added, for quantiles that follow a
// changing run rather than its whole history.
type recent[T cmp.Ordered] struct {
	size int
	ring []T
	next int
	seen int // values added, ever
}

func (w *recent[T]) add(v T) {
	if len(w.ring) < w.size {
		w.ring = append(w.ring, v)
	} else {
		w.ring[w.next] = v
		w.next = (w.next + 1) % w.size
	}
	w.seen++
}

// quantile is the nearest-rank q-quantile (0 < q <= 1) of the values kept;
// there must be at least one.
func (w *recent[T]) quantile(q float64) T {
	s := slices.Clone(w.ring)
	slices.Sort(s)
	return s[min(len(s)-1, max(0, int(math.Ceil(q*float64(len(s))))-1))]
}

// latencyTracker keeps recent successful latencies for the adaptive timeout.
type latencyTracker struct {
	recent[time.Duration]
	p99   time.Duration
	stale bool
}

func (t *latencyTracker) add(d time.Duration) {
	if t.size == 0 {
		t.size = latencyWindow
	}
	t.recent.add(d)
	t.stale = true
}

// percentile99 is the 99th percentile of the recent latencies, recomputed
// only when new samples came in.
func (t *latencyTracker) percentile99() time.Duration {
	if t.stale {
		t.p99 = t.quantile(0.99)
		t.stale = false
	}
	return t.p99
}

// attemptTimeout is the deadline for the next attempt of a request that
// has timed out `timedOut` times before: Timeout without adaptation or
// before enough samples, else p99 × factor within [floor, Timeout],
// doubled for each earlier timeout of the same request.
func (r *runner[Req, Resp]) attemptTimeout(timedOut int) time.Duration {
	ceil := r.opts.Timeout
	if r.opts.TimeoutFactor <= 0 || r.lat.seen < minTimeoutSamples {
		return ceil
	}
	d := time.Duration(float64(r.lat.percentile99()) * r.opts.TimeoutFactor)
	d = max(d, r.opts.TimeoutFloor)
	for i := 0; i < timedOut && (ceil <= 0 || d < ceil); i++ {
		d *= 2
	}
	if ceil > 0 {
		d = min(d, ceil)
	}
	return d
}

// noteFailure counts a failure that suggests the host is gone and marks
// it down when it has gone DownAfter without success; when every host is
// down the run stops.
func (r *runner[Req, Resp]) noteFailure(h *host, now time.Time, err error) {
	h.failsSinceOK++
	if r.opts.DownAfter <= 0 || h.down {
		return
	}
	silent := now.Sub(h.lastOK)
	// Three attempt timeouts at least, so a host that is merely slow gets
	// its doubled deadlines before it is given up.
	need := max(r.opts.DownAfter, 3*r.attemptTimeout(0))
	if h.failsSinceOK < 2*r.opts.FailuresToCooldown || silent < need {
		return
	}
	h.down = true
	for _, o := range r.hosts {
		if !o.down {
			return
		}
	}
	r.stopErr = &HostsDownError{For: silent, Last: err}
	r.cancel()
}

// blocked records what held dispatch back from the last check until now.
func (r *runner[Req, Resp]) blocked(now time.Time, b Bottleneck) {
	if !r.lastCheck.IsZero() {
		r.stats.Blocked[r.current] += now.Sub(r.lastCheck)
	}
	r.lastCheck, r.current = now, b
}

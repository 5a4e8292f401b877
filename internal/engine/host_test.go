package engine

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestBucketRefillsContinuously(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBucket(600, time.Minute) // 10 per second, holds 600
	take(b, now, 600)
	if w := bucketWait(b, now, 1); w != 100*time.Millisecond {
		t.Fatalf("empty bucket wait = %v, want 100ms", w)
	}
	if got := b.TokensAt(now.Add(time.Second)); !near(got, 10) {
		t.Fatalf("after 1s the bucket holds %v, want 10", got)
	}
	// A request bigger than the bucket waits for a full bucket, not forever.
	if w := bucketWait(b, now, 5000); w != time.Minute {
		t.Fatalf("oversized wait = %v, want 1m", w)
	}
}

// TestBucketRefund checks what adjust relies on: a negative ReserveN gives
// units back, and the limiter still never holds more than its burst.
func TestBucketRefund(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBucket(1000, time.Minute)
	take(b, now, 500) // the estimate
	adjust(b, now, 100-500)
	if got := b.TokensAt(now); !near(got, 900) {
		t.Fatalf("after a refund of 400 the bucket holds %v, want 900", got)
	}
	adjust(b, now, -5000)
	if got := b.TokensAt(now.Add(time.Millisecond)); got > 1000 {
		t.Fatalf("refund overfilled the bucket: %v > 1000", got)
	}
	// An underestimate is debited, and may put the bucket in debt.
	take(b, now, 1000)
	adjust(b, now, 1500)
	if got := b.TokensAt(now); !near(got, -1500) {
		t.Fatalf("after a debit of 1500 on an empty bucket it holds %v, want -1500", got)
	}
}

func TestObserveLowersToReportedRemaining(t *testing.T) {
	now := time.Unix(1000, 0)
	h := newHost(HostLimits{RPM: 600, Window: time.Minute}, now)
	// The host says 100 remain of 600 when our request arrived 0s ago, and
	// 5 more requests left after that one.
	h.observe(&h.req, &Bucket{Limit: 600, Remaining: 100, Reset: -1}, now, 5, 0, 0)
	if got := h.req.TokensAt(now); !near(got, 95) {
		t.Fatalf("bucket holds %v, want 95", got)
	}
	// A report of more than we think we have raises it: the host's count
	// is the truth (our debits were estimates).
	h.observe(&h.req, &Bucket{Limit: 600, Remaining: 500, Reset: -1}, now, 3, 2, 0)
	if got := h.req.TokensAt(now); !near(got, 495) {
		t.Fatalf("bucket holds %v after the host reported 500 left, 3 sent since and 2 more in flight, want 495", got)
	}
	// A different limit replaces the configured one (the tier table was
	// wrong), and refill time since the request left is credited.
	h.observe(&h.req, &Bucket{Limit: 150, Remaining: 0, Reset: -1}, now, 0, 0, 2*time.Second)
	if got := h.req.Limit(); !near(float64(got), 2.5) {
		t.Fatalf("rate = %v/s, want 2.5 after the host reported 150/min", got)
	}
	if got := h.req.TokensAt(now); !near(got, 5) {
		t.Fatalf("bucket holds %v, want 5 (0 remaining + 2s at 2.5/s)", got)
	}
}

func TestObserveRaisesBucketBeyondTheTable(t *testing.T) {
	now := time.Unix(1000, 0)
	h := newHost(HostLimits{TPM: 10000, Window: time.Minute}, now)
	// Remaining without a limit, above the whole configured bucket: the
	// account is bigger than the table said.
	h.observe(&h.tok, &Bucket{Limit: -1, Remaining: 40000, Reset: -1}, now, 0, 0, 0)
	if got := h.tok.Burst(); got != 40000 {
		t.Fatalf("bucket size %d, want 40000", got)
	}
	if got := h.tok.TokensAt(now); !near(got, 40000) {
		t.Fatalf("bucket holds %v, want 40000", got)
	}
}

func TestObserveWithoutLimitPausesForReset(t *testing.T) {
	now := time.Unix(1000, 0)
	h := newHost(HostLimits{Window: time.Minute}, now)
	h.observe(&h.req, &Bucket{Limit: -1, Remaining: 0, Reset: 6 * time.Second}, now, 0, 0, 0)
	if w, why := h.wait(now, 0); w != 6*time.Second || why != BottleneckPause {
		t.Fatalf("wait = %v (%v), want 6s pause for remaining=0 reset=6s", w, why)
	}
	// With a limit reported, a bucket is made and refills continuously.
	h2 := newHost(HostLimits{Window: time.Minute}, now)
	h2.observe(&h2.tok, &Bucket{Limit: 60000, Remaining: 0, Reset: time.Minute}, now, 0, 0, 0)
	if w, why := h2.wait(now, 1000); w != time.Second || why != BottleneckTokens {
		t.Fatalf("wait = %v (%v), want 1s on the token bucket for 1000 tokens at 1000/s", w, why)
	}
}

func TestBackoffFullJitter(t *testing.T) {
	base, maxWait := 100*time.Millisecond, time.Second
	one := func() float64 { return 0.999999 }
	for attempt, want := range map[int]time.Duration{2: 100 * time.Millisecond, 3: 200 * time.Millisecond, 4: 400 * time.Millisecond, 5: 800 * time.Millisecond, 6: time.Second, 30: time.Second} {
		got := backoff(attempt, base, maxWait, one)
		if got > want || got < want*99/100 {
			t.Errorf("backoff(%d) ceiling = %v, want %v", attempt, got, want)
		}
	}
	if got := backoff(5, base, maxWait, func() float64 { return 0 }); got != 0 {
		t.Errorf("full jitter must reach 0, got %v", got)
	}
}

func TestScheduleGroupsThenPriority(t *testing.T) {
	type req struct {
		file string
		size int
	}
	reqs := []req{{"b", 1}, {"a", 5}, {"b", 9}, {"a", 7}, {"c", 3}, {"a", 1}}
	order, g := schedule(reqs, func(r req) int { return r.size }, func(r req) string { return r.file })
	want := []int{2, 0, 3, 1, 5, 4} // file b first (it appears first), longest first within each
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
	if len(g.left) != 3 || g.left[0] != 2 || g.left[1] != 3 {
		t.Fatalf("group sizes = %v", g.left)
	}
	order, _ = schedule(reqs, func(r req) int { return r.size }, nil)
	if order[0] != 2 || order[len(order)-1] != 5 {
		t.Fatalf("priority-only order = %v, want longest (2) first and the last of the 1s (5) last", order)
	}
}

// TestReportCarriesTheHeadersForward: a host's report names only the
// limits its headers gave, with what its buckets hold at the end, and a
// host started from such a report has spent what the report had not left.
func TestReportCarriesTheHeadersForward(t *testing.T) {
	now := time.Unix(1000, 0)
	h := newHost(HostLimits{RPM: 5000, TPM: 2_000_000, Window: time.Minute}, now)
	if rep := h.report(now); rep.Known() {
		t.Fatalf("a host whose headers said nothing reports %+v; the table's guess is not the account's", rep)
	}
	h.observe(&h.req, &Bucket{Limit: 600, Remaining: 590, Reset: -1}, now, 0, 0, 0)
	rep := h.report(now)
	if rep.RPM != 600 || rep.RequestsLeft != 590 || rep.TPM != 0 || rep.TokensLeft != 0 {
		t.Fatalf("report = %+v, want 600 RPM with 590 left and no token limit", rep)
	}
	next := newHost(HostLimits{RPM: rep.RPM, Window: time.Minute, RequestsSpent: rep.RPM - rep.RequestsLeft}, now)
	if got := next.req.TokensAt(now); !near(got, 590) {
		t.Fatalf("a host started from the report holds %v, want 590", got)
	}
	if got := next.req.TokensAt(now.Add(time.Second)); !near(got, 600) {
		t.Fatalf("and refills at the limit's pace: %v after 1s, want 600", got)
	}
}

package engine

import (
	"context"
	"testing"
	"time"
)

func TestEstimatorLearnsBothWays(t *testing.T) {
	raw := make([]int, 100)
	for i := range raw {
		raw[i] = 1000
	}
	e := newEstimator(raw)
	for i := 0; i < minRatioSamples-1; i++ {
		e.learn(i, 500)
	}
	if got := e.of(50); got != 1000 {
		t.Fatalf("after %d answers the estimate moved to %d; too few to learn from", minRatioSamples-1, got)
	}
	e.learn(3, 500)
	if got, mean := e.of(50), e.mean(); got != 500 || mean != 500 {
		t.Fatalf("answers at half the estimate: reserved %d, mean %d, want 500", got, mean)
	}
	// Answers that run long raise the reservation at once: a few are
	// enough, since the scale covers the 90th percentile.
	for i := 10; i < 12; i++ {
		e.learn(i, 2000)
	}
	if got := e.of(50); got != 2000 {
		t.Fatalf("after answers at twice the estimate, reserved %d, want 2000", got)
	}
	// Requests the caller could not estimate stay at 0, and reports of no
	// usage teach nothing.
	e.raw[60] = 0
	e.learn(60, 100)
	e.learn(61, 0)
	if e.of(60) != 0 || e.ratios.seen != 6 {
		t.Fatalf("zero estimates: reserved %d, %d samples", e.of(60), e.ratios.seen)
	}
}

func TestLedgerSumsWhatWasSentAfter(t *testing.T) {
	l := newLedger(50)
	var want [51]float64
	for i, seq := range []int64{7, 3, 50, 1, 22, 7, 49} {
		v := float64(10*i - 25)
		l.add(seq, v)
		want[seq] += v
	}
	for seq := int64(0); seq <= 50; seq++ {
		var after float64
		for k := seq + 1; k <= 50; k++ {
			after += want[k]
		}
		if got := l.after(seq); got != after {
			t.Fatalf("after(%d) = %v, want %v", seq, got, after)
		}
	}
}

// TestOutOfOrderAnswersKeepTheTokenBucketExact drives a runner by hand on
// a clock that does not move: two requests reserved at 3,000 tokens use
// 1,000 each, and the later one answers first. When the earlier one's
// report (as of its arrival, before the later one arrived) comes in, the
// later one has already been refunded; counting it again at its
// reservation would take 2,000 tokens the host still has off the bucket.
func TestOutOfOrderAnswersKeepTheTokenBucketExact(t *testing.T) {
	clk := &manualClock{now: time.Unix(1000, 0)}
	release := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
	report := map[int]int64{0: 9000, 1: 8000} // the host's remaining after each arrived
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		<-release[req]
		return req, Feedback{Tokens: 1000, Rate: &RateState{Tokens: &Bucket{Limit: 10000, Remaining: report[req], Reset: -1}}}, nil
	}
	opts := Options[int, int]{
		Hosts:          []HostLimits{{TPM: 10000, Window: time.Minute, StartConcurrency: 2, MaxConcurrency: 2}},
		EstimateTokens: func(int) int { return 3000 },
		Clock:          clk,
	}
	opts.withDefaults()
	r := newRunner(context.Background(), []int{0, 1}, Call[int, int](call), opts)
	defer r.cancel()
	now := clk.Now()
	r.send(0, 0, now)
	r.send(1, 0, now)
	h := r.hosts[0]
	close(release[1])
	r.complete(<-r.events)
	if got := h.tok.TokensAt(now); !near(got, 6000) {
		t.Fatalf("after the later answer the bucket holds %v, want 6000 (10000 - 3000 reserved - 1000 used)", got)
	}
	close(release[0])
	r.complete(<-r.events)
	if got := h.tok.TokensAt(now); !near(got, 8000) {
		t.Fatalf("after both answers the bucket holds %v, want the host's 8000", got)
	}
	r.calls.Wait()
}

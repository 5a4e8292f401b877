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
	// Each step has answers from..to-1 report used tokens (a 429 first
	// where limited), and then a request estimated at 1000 reserves want.
	steps := []struct {
		why            string
		from, to, used int
		limited        bool
		want           int
	}{
		{"too few answers to learn from", 0, minRatioSamples - 1, 500, false, 1000},
		{"answers at half the estimate", minRatioSamples - 1, minRatioSamples, 500, false, 500},
		// A few answers that run long are enough: the scale covers the
		// 90th percentile.
		{"answers at twice the estimate", 10, 12, 2000, false, 2000},
		{"many answers at half the estimate", 20, 90, 500, false, 500},
		// A 429 says the host counts more than answers report using.
		{"a 429, then an answer at half", 90, 91, 500, true, 1000},
		{"after a 429, more than a tenth of answers at twice", 91, 98, 2000, false, 2000},
	}
	for _, st := range steps {
		if st.limited {
			e.rateLimited()
		}
		for i := st.from; i < st.to; i++ {
			e.learn(i, st.used)
		}
		if got := e.of(50); got != st.want {
			t.Fatalf("%s: reserved %d, want %d", st.why, got, st.want)
		}
	}
	if e.mean() != 2000 {
		t.Fatalf("mean reservation %d, want 2000", e.mean())
	}
	// Requests the caller could not estimate stay at 0, and reports of no
	// usage teach nothing.
	e.raw[60] = 0
	e.learn(60, 100)
	e.learn(61, 0)
	if e.of(60) != 0 || e.ratios.seen != 84 {
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

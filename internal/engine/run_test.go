package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestOrderPreservedAndSequentialMatchesParallel(t *testing.T) {
	reqs := make([]int, 200)
	for i := range reqs {
		reqs[i] = i
	}
	var peak, cur atomic.Int32
	call := func(ctx context.Context, host, req int) (string, Feedback, error) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		// Random latency: later requests often finish first.
		if err := sleepCtx(ctx, time.Duration(rand.IntN(3000))*time.Microsecond); err != nil {
			return "", Feedback{}, err
		}
		if req%17 == 0 {
			return "", Feedback{Class: Fatal}, fmt.Errorf("bad request %d", req)
		}
		return fmt.Sprintf("answer-%d", req*req), Feedback{}, nil
	}
	par, st := Run(context.Background(), reqs, call, Options[int, string]{Hosts: []HostLimits{{MaxConcurrency: 16}}})
	if st.Succeeded+st.Failed != len(reqs) || st.PeakInFlight > 16 || int(peak.Load()) > 16 {
		t.Fatalf("stats %+v, observed peak %d", st, peak.Load())
	}
	if st.PeakInFlight < 8 {
		t.Errorf("peak in flight %d: the limit never ramped up from 4", st.PeakInFlight)
	}
	peak.Store(0)
	seq, _ := Run(context.Background(), reqs, call, Options[int, string]{Sequential: true})
	if peak.Load() != 1 {
		t.Fatalf("sequential mode ran %d at once", peak.Load())
	}
	for i := range reqs {
		want := fmt.Sprintf("answer-%d", i*i)
		for _, res := range []Result[string]{par[i], seq[i]} {
			if i%17 == 0 {
				if res.Err == nil || res.Err.Error() != fmt.Sprintf("bad request %d", i) || res.Attempts != 1 {
					t.Fatalf("result %d = %+v, want its own fatal error after 1 attempt", i, res)
				}
				continue
			}
			if res.Err != nil || res.Value != want {
				t.Fatalf("result %d = %+v, want %q", i, res, want)
			}
		}
	}
}

func TestClassesRetryAsSpecified(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name         string
		fb           Feedback
		err          error
		wantAttempts int
	}{
		{"retryable is retried up to MaxAttempts", Feedback{Class: Retryable}, errBoom, 3},
		{"overloaded is retried", Feedback{Class: Overloaded}, errBoom, 3},
		{"rate limited is retried", Feedback{Class: RateLimited, RetryAfter: time.Millisecond}, errBoom, 3},
		{"fatal is not retried", Feedback{Class: Fatal}, errBoom, 1},
		{"invalid is asked again once", Feedback{Class: Invalid}, errBoom, 2},
		{"unclassified plain error is fatal", Feedback{}, errBoom, 1},
		{"unclassified deadline is retried", Feedback{}, fmt.Errorf("post: %w", context.DeadlineExceeded), 3},
		{"unclassified network error is retried", Feedback{}, &net.OpError{Op: "dial", Err: errors.New("refused")}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			call := func(ctx context.Context, host int, req int) (int, Feedback, error) {
				if req == 1 {
					calls.Add(1)
					return 0, tt.fb, tt.err
				}
				return req, Feedback{}, nil
			}
			res, st := Run(context.Background(), []int{0, 1, 2}, call, Options[int, int]{
				MaxAttempts: 3, BackoffBase: time.Millisecond, BackoffMax: 2 * time.Millisecond, FailuresToCooldown: 100,
			})
			if res[1].Attempts != tt.wantAttempts || int(calls.Load()) != tt.wantAttempts || !errors.Is(res[1].Err, tt.err) {
				t.Fatalf("result = %+v after %d calls, want %d attempts ending in %v", res[1], calls.Load(), tt.wantAttempts, tt.err)
			}
			if res[0].Value != 0 || res[0].Err != nil || res[2].Value != 2 || res[2].Err != nil {
				t.Fatalf("one failure touched the others: %+v", res)
			}
			if st.Retries != tt.wantAttempts-1 {
				t.Fatalf("retries = %d, want %d", st.Retries, tt.wantAttempts-1)
			}
		})
	}
}

func TestStopAllStopsEverythingWithOneError(t *testing.T) {
	errAuth := errors.New("401 invalid api key")
	reqs := make([]int, 100)
	for i := range reqs {
		reqs[i] = i
	}
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if req == 5 {
			time.Sleep(20 * time.Millisecond)
			return 0, Feedback{Class: StopAll}, errAuth
		}
		if req < 5 {
			return req, Feedback{}, nil
		}
		<-ctx.Done() // a hanging request: only cancellation ends it
		return 0, Feedback{}, ctx.Err()
	}
	start := time.Now()
	res, st := Run(context.Background(), reqs, call, Options[int, int]{Hosts: []HostLimits{{StartConcurrency: 8}}})
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("StopAll took %v to return", el)
	}
	if !errors.Is(st.Stopped, errAuth) {
		t.Fatalf("Stopped = %v", st.Stopped)
	}
	for i, r := range res {
		switch {
		case i < 5 && (r.Err != nil || r.Value != i):
			t.Fatalf("finished result %d lost: %+v", i, r)
		case i >= 5 && r.Err != errAuth:
			t.Fatalf("result %d err = %v, want the 401", i, r.Err)
		}
	}
}

func TestCancellationReturnsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	reqs := make([]int, 50)
	var started atomic.Int32
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if started.Add(1) == 3 {
			cancel()
		}
		<-ctx.Done()
		return 0, Feedback{}, ctx.Err()
	}
	begin := time.Now()
	res, st := Run(ctx, reqs, call, Options[int, int]{})
	if el := time.Since(begin); el > time.Second {
		t.Fatalf("cancel took %v", el)
	}
	for i, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("result %d err = %v", i, r.Err)
		}
	}
	if st.Failed != len(reqs) || st.Stopped != nil {
		t.Fatalf("stats %+v", st)
	}
}

func TestRateLimitPausesAllDispatchToHost(t *testing.T) {
	const pause = 300 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	var limitedAt time.Time
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		mu.Lock()
		starts = append(starts, time.Now())
		first := limitedAt.IsZero() && req == 3
		if first {
			limitedAt = time.Now()
		}
		mu.Unlock()
		if first {
			return 0, Feedback{Class: RateLimited, RetryAfter: pause}, errors.New("429")
		}
		time.Sleep(time.Millisecond)
		return req, Feedback{}, nil
	}
	reqs := make([]int, 40)
	for i := range reqs {
		reqs[i] = i
	}
	res, st := Run(context.Background(), reqs, call, Options[int, int]{Hosts: []HostLimits{{StartConcurrency: 1, MaxConcurrency: 1}}})
	if st.RateLimited != 1 || st.Failed != 0 || res[3].Attempts != 2 {
		t.Fatalf("stats %+v, result 3 %+v", st, res[3])
	}
	for _, s := range starts {
		if s.After(limitedAt) && s.Sub(limitedAt) < pause-20*time.Millisecond {
			t.Fatalf("a request started %v after the 429, inside its %v retry-after", s.Sub(limitedAt), pause)
		}
	}
}

func TestTokenBucketCorrectedFromUsage(t *testing.T) {
	// 6000 tokens per second-long window; each request is estimated at 3000
	// but really uses 300. Without the refund, 20 requests need 9 windows of
	// refill; with it, they fit in the first bucket and a little refill.
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		return req, Feedback{Tokens: 300}, nil
	}
	reqs := make([]int, 20)
	start := time.Now()
	_, st := Run(context.Background(), reqs, call, Options[int, int]{
		Hosts:          []HostLimits{{TPM: 6000, Window: time.Second, StartConcurrency: 1, MaxConcurrency: 1}},
		EstimateTokens: func(int) int { return 3000 },
	})
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("20 requests took %v: the overestimate was never refunded", el)
	}
	// The first four are reserved at the caller's estimate; from then on
	// at what the answers showed a request uses.
	if want := int64(4*3000 + 16*300); st.TokensEstimated != want || st.TokensUsed != 6000 {
		t.Fatalf("tokens reserved %d (want %d), used %d", st.TokensEstimated, want, st.TokensUsed)
	}
}

func TestFleetCooldownMovesWorkOff(t *testing.T) {
	var deadCalls atomic.Int32
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if host == 0 {
			deadCalls.Add(1)
			return 0, Feedback{}, &net.OpError{Op: "dial", Err: errors.New("connection refused")}
		}
		time.Sleep(2 * time.Millisecond)
		return req, Feedback{}, nil
	}
	reqs := make([]int, 200)
	for i := range reqs {
		reqs[i] = i
	}
	res, st := Run(context.Background(), reqs, call, Options[int, int]{
		Hosts:       []HostLimits{{Name: "dead"}, {Name: "alive"}},
		MaxAttempts: 5, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
		FailuresToCooldown: 3, CooldownBase: 5 * time.Second,
	})
	for i, r := range res {
		if r.Err != nil || r.Host != 1 {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	if st.Hosts[0].Cooldowns < 1 || st.Hosts[1].Succeeded != len(reqs) {
		t.Fatalf("host stats %+v", st.Hosts)
	}
	// The dead host gets a first slow-start round, then is cooled down for
	// longer than the run: a handful of calls, not a share of 200.
	if n := deadCalls.Load(); n > 12 {
		t.Fatalf("dead host got %d calls", n)
	}
}

func TestFleetSharesBySpeed(t *testing.T) {
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		time.Sleep(time.Duration(1+3*host) * time.Millisecond) // host 1 is 4x slower
		return req, Feedback{}, nil
	}
	reqs := make([]int, 400)
	_, st := Run(context.Background(), reqs, call, Options[int, int]{
		Hosts: []HostLimits{{MaxConcurrency: 4, StartConcurrency: 4}, {MaxConcurrency: 4, StartConcurrency: 4}},
	})
	fast, slow := st.Hosts[0].Succeeded, st.Hosts[1].Succeeded
	if fast+slow != 400 || fast < 2*slow {
		t.Fatalf("fast host did %d, slow %d: work not shared by speed", fast, slow)
	}
}

func TestCallbacksAndGroups(t *testing.T) {
	type req struct {
		file string
		n    int
	}
	var reqs []req
	for i := range 60 {
		reqs = append(reqs, req{fmt.Sprintf("f%d", i%6), i}) // files interleaved
	}
	var mu sync.Mutex
	var seen []int
	var last Progress
	call := func(ctx context.Context, host int, r req) (int, Feedback, error) {
		time.Sleep(time.Millisecond)
		return r.n, Feedback{}, nil
	}
	res, st := Run(context.Background(), reqs, call, Options[req, int]{
		Hosts: []HostLimits{{StartConcurrency: 2, MaxConcurrency: 2}},
		Group: func(r req) string { return r.file },
		OnResult: func(i int, r Result[int]) {
			mu.Lock()
			seen = append(seen, i)
			mu.Unlock()
		},
		OnProgress: func(p Progress) { last = p },
	})
	slices.Sort(seen)
	if len(seen) != 60 || seen[0] != 0 || seen[59] != 59 || last.Done != 60 || last.Total != 60 {
		t.Fatalf("callbacks saw %d results, last progress %+v", len(seen), last)
	}
	for i, r := range res {
		if r.Value != i {
			t.Fatalf("result %d = %d", i, r.Value)
		}
	}
	g := st.Groups
	if g.Count != 6 || g.First <= 0 || g.First > g.Median || g.Median > g.Last {
		t.Fatalf("group stats %+v", g)
	}
	// Files are worked through one by one, so the first is done after about
	// a sixth of the run, not at its end.
	if g.First > st.Wall/3 {
		t.Fatalf("first file done at %v of %v", g.First, st.Wall)
	}
}

func TestPanicInCallFailsOnlyItsRequest(t *testing.T) {
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if req == 1 {
			panic("oops")
		}
		return req, Feedback{}, nil
	}
	res, _ := Run(context.Background(), []int{0, 1, 2}, call, Options[int, int]{})
	if res[1].Err == nil || res[0].Err != nil || res[2].Value != 2 {
		t.Fatalf("results %+v", res)
	}
}

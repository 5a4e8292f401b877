package engine

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestAdaptiveTimeoutCutsHangsShort: with answers in about 5ms, a hung
// request is given up after about p99 × factor (floored), far below the
// one-minute ceiling, and its retry succeeds.
func TestAdaptiveTimeoutCutsHangsShort(t *testing.T) {
	call, reqs := hangsOnce(40), indices(60)
	start := time.Now()
	res, st := Run(context.Background(), reqs, call, Options[int, int]{
		Timeout: time.Minute, TimeoutFactor: 4, TimeoutFloor: 50 * time.Millisecond,
		BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
	})
	wall := time.Since(start)
	if res[40].Err != nil || res[40].Attempts != 2 || st.Timeouts != 1 {
		t.Fatalf("hung request: %+v, %d timeouts; want it retried once after a timeout", res[40], st.Timeouts)
	}
	if wall > 5*time.Second {
		t.Fatalf("run took %v: the hang cost far more than the adaptive timeout", wall)
	}
}

// TestAttemptTimeoutBounds checks the formula: ceiling before enough
// samples, p99 × factor within [floor, ceiling], doubled per timeout.
func TestAttemptTimeoutBounds(t *testing.T) {
	r := &runner[int, int]{opts: Options[int, int]{Timeout: 10 * time.Second, TimeoutFactor: 3, TimeoutFloor: time.Second}}
	if got := r.attemptTimeout(0); got != 10*time.Second {
		t.Fatalf("before samples: %v, want the ceiling", got)
	}
	for i := 0; i < 100; i++ {
		r.lat.add(time.Duration(i+1) * 10 * time.Millisecond) // 10ms..1s, p99 = 990ms
	}
	if got := r.attemptTimeout(0); got != 2970*time.Millisecond {
		t.Fatalf("adaptive: %v, want 3 × 990ms", got)
	}
	if got := r.attemptTimeout(1); got != 5940*time.Millisecond {
		t.Fatalf("after one timeout: %v, want double", got)
	}
	if got := r.attemptTimeout(3); got != 10*time.Second {
		t.Fatalf("after three timeouts: %v, want the ceiling", got)
	}
	r.lat = latencyTracker{}
	for i := 0; i < 100; i++ {
		r.lat.add(time.Millisecond)
	}
	if got := r.attemptTimeout(0); got != time.Second {
		t.Fatalf("fast answers: %v, want the floor", got)
	}
}

// TestHostThatStopsAnsweringEndsTheRun: after 20 answers the host hangs;
// every attempt times out, the host is marked down, and the run stops
// within a bounded time with a HostsDownError for the unfinished requests.
func TestHostThatStopsAnsweringEndsTheRun(t *testing.T) {
	var n atomic.Int32
	call := func(ctx context.Context, _ int, req int) (int, Feedback, error) {
		if n.Add(1) > 20 {
			<-ctx.Done()
			return 0, Feedback{}, ctx.Err()
		}
		return req, Feedback{}, sleepCtx(ctx, 2*time.Millisecond)
	}
	reqs := make([]int, 200)
	for i := range reqs {
		reqs[i] = i
	}
	start := time.Now()
	res, st := Run(context.Background(), reqs, call, Options[int, int]{
		Timeout: 200 * time.Millisecond, TimeoutFactor: 4, TimeoutFloor: 20 * time.Millisecond,
		DownAfter: 500 * time.Millisecond, MaxAttempts: 100,
		BackoffBase: 10 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		CooldownBase: 50 * time.Millisecond, CooldownMax: 100 * time.Millisecond,
	})
	wall := time.Since(start)
	if !IsHostsDown(st.Stopped) || !errors.Is(st.Stopped, context.DeadlineExceeded) {
		t.Fatalf("run stopped by %v, want a HostsDownError wrapping the timeout", st.Stopped)
	}
	if wall > 3*time.Second {
		t.Fatalf("run took %v to notice the host was gone", wall)
	}
	var ok, down int
	for _, r := range res {
		switch {
		case r.Err == nil:
			ok++
		case IsHostsDown(r.Err):
			down++
		}
	}
	if ok < 15 || ok+down != len(reqs) || !st.Hosts[0].Down {
		t.Fatalf("%d answered, %d stopped by the host going down, of %d; host %+v", ok, down, len(reqs), st.Hosts[0])
	}
}

// TestBottleneckNamesTheBucket: a request bucket of 5 per 200ms holds back
// 20 fast requests, and the stats say so.
func TestBottleneckNamesTheBucket(t *testing.T) {
	call := func(ctx context.Context, _ int, req int) (int, Feedback, error) { return req, Feedback{}, nil }
	reqs := make([]int, 20)
	_, st := Run(context.Background(), reqs, call, Options[int, int]{
		Hosts: []HostLimits{{RPM: 5, Window: 200 * time.Millisecond}},
	})
	if b := st.Bottleneck(); b != BottleneckRequests {
		t.Fatalf("bottleneck %v (blocked %v), want the request bucket", b, st.Blocked)
	}
	if st.Hosts[0].RequestLimit != 5 {
		t.Fatalf("request limit %d, want 5", st.Hosts[0].RequestLimit)
	}
}

// TestEarlyHangGetsTheTimeoutLearnedLater: the very first request hangs,
// sent before any latency was known (under the one-minute ceiling); once
// answers show what is normal, its deadline is brought forward.
func TestEarlyHangGetsTheTimeoutLearnedLater(t *testing.T) {
	call, reqs := hangsOnce(0), indices(100)
	start := time.Now()
	res, st := Run(context.Background(), reqs, call, Options[int, int]{
		Timeout: time.Minute, TimeoutFactor: 4, TimeoutFloor: 50 * time.Millisecond,
		BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
	})
	if wall := time.Since(start); wall > 5*time.Second {
		t.Fatalf("run took %v: the early hang kept the ceiling", wall)
	}
	if res[0].Err != nil || res[0].Attempts != 2 || st.Timeouts != 1 {
		t.Fatalf("hung request: %+v, %d timeouts; want it cut short and retried", res[0], st.Timeouts)
	}
}

// hangsOnce answers every request in about 5ms, except that the first
// attempt of request at hangs until its deadline.
func hangsOnce(at int) Call[int, int] {
	var hung atomic.Bool
	return func(ctx context.Context, _ int, req int) (int, Feedback, error) {
		if req == at && hung.CompareAndSwap(false, true) {
			<-ctx.Done()
			return 0, Feedback{}, ctx.Err()
		}
		return req, Feedback{}, sleepCtx(ctx, 5*time.Millisecond)
	}
}

// indices is the requests 0, 1, …, n-1.
func indices(n int) []int {
	reqs := make([]int, n)
	for i := range reqs {
		reqs[i] = i
	}
	return reqs
}

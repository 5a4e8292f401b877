package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// manualClock is a Clock that moves only when the test says so.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []manualWaiter
}

type manualWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, manualWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

// latestDeadline returns the furthest pending wake-up, zero if none.
func (c *manualClock) latestDeadline() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var d time.Duration
	for _, w := range c.waiters {
		d = max(d, w.at.Sub(c.now))
	}
	return d
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// TestRateLimitPauseOnClock checks, on a clock that only the test moves,
// that a 429's retry-after holds dispatch for exactly that long: nothing is
// sent before the clock passes it, and the run finishes once it does.
func TestRateLimitPauseOnClock(t *testing.T) {
	clk := &manualClock{now: time.Unix(1000, 0)}
	var calls atomic.Int32
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if calls.Add(1) == 1 {
			return 0, Feedback{Class: RateLimited, RetryAfter: 30 * time.Second}, errors.New("429")
		}
		return req, Feedback{}, nil
	}
	done := make(chan Stats)
	go func() {
		_, st := Run(context.Background(), []int{0, 1, 2}, call, Options[int, int]{Clock: clk, Sequential: true})
		done <- st
	}()
	deadline := time.Now().Add(5 * time.Second)
	for clk.latestDeadline() != 30*time.Second {
		if time.Now().After(deadline) {
			t.Fatalf("the engine never waited for the 30s retry-after (latest wake-up %v)", clk.latestDeadline())
		}
		time.Sleep(time.Millisecond)
	}
	clk.Advance(29 * time.Second)
	time.Sleep(20 * time.Millisecond) // real time for a wrongly woken dispatcher to call
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls before the retry-after passed, want 1", n)
	}
	clk.Advance(time.Second)
	select {
	case st := <-done:
		if calls.Load() != 4 || st.RateLimited != 1 || st.Wall != 30*time.Second {
			t.Fatalf("calls %d, stats %+v", calls.Load(), st)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not finish after the pause ended")
	}
}

// TestProbeSpillsOnlyWhatAFullBucketWouldLose: while the probe is out, a
// host whose token bucket is full lets one more request go each time the
// bucket has refilled (ProbeSpill), so the probe's round trip costs a
// rate-bound run nothing; without ProbeSpill the probe holds everything.
func TestProbeSpillsOnlyWhatAFullBucketWouldLose(t *testing.T) {
	for _, spill := range []bool{false, true} {
		clk := &manualClock{now: time.Unix(1000, 0)}
		call, calls, release := heldCalls()
		// 10 tokens a second; each request is estimated at 10.
		opts := Options[int, int]{Clock: clk, EstimateTokens: func(int) int { return 10 },
			Hosts: []HostLimits{{TPM: 600, Window: time.Minute, StartConcurrency: 8, Probe: 1, ProbeSpill: spill}}}
		done := make(chan Stats, 1)
		go func() {
			_, st := Run(context.Background(), []int{0, 1, 2, 3, 4, 5, 6}, call, opts)
			done <- st
		}()
		waitUntil(t, func() bool { return calls.Load() == 1 }, "the probe was never sent")
		for step := range 3 {
			if spill {
				waitUntil(t, func() bool { return clk.latestDeadline() == time.Second },
					fmt.Sprintf("step %d: the engine did not wait the 1s the bucket needs to be full again", step))
			} else {
				time.Sleep(20 * time.Millisecond) // real time for a wrongly sending dispatcher
			}
			clk.Advance(time.Second)
		}
		want := int32(1)
		if spill {
			want = 4 // the probe, then one per second of refill
			waitUntil(t, func() bool { return calls.Load() >= want }, "the spilled requests were not sent")
		}
		time.Sleep(20 * time.Millisecond)
		if n := calls.Load(); n != want {
			t.Errorf("ProbeSpill %v: %d requests sent while the probe was out, want %d", spill, n, want)
		}
		close(release)
		if st := <-done; st.Succeeded != 7 {
			t.Errorf("ProbeSpill %v: %d of 7 succeeded", spill, st.Succeeded)
		}
	}
}

// heldCalls is a call that counts its calls and answers once release is
// closed.
func heldCalls() (call Call[int, int], calls *atomic.Int32, release chan struct{}) {
	calls, release = new(atomic.Int32), make(chan struct{})
	return func(ctx context.Context, host, req int) (int, Feedback, error) {
		calls.Add(1)
		<-release
		return req, Feedback{}, nil
	}, calls, release
}

func waitUntil(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHungProbeGetsCompany: a probe that goes ProbeHedge without a word
// from the host gets one more request beside it, then another each time
// that wait doubles; without ProbeHedge it holds the host until its
// attempt times out.
func TestHungProbeGetsCompany(t *testing.T) {
	for _, hedge := range []time.Duration{0, 5 * time.Second} {
		clk := &manualClock{now: time.Unix(1000, 0)}
		call, calls, release := heldCalls()
		opts := Options[int, int]{Clock: clk, Hosts: []HostLimits{{StartConcurrency: 8, Probe: 1, ProbeHedge: hedge}}}
		done := make(chan Stats, 1)
		go func() {
			_, st := Run(context.Background(), []int{0, 1, 2, 3, 4, 5}, call, opts)
			done <- st
		}()
		waitUntil(t, func() bool { return calls.Load() == 1 }, "the probe was never sent")
		for step, want := range []int32{2, 3, 3, 4} { // at 5s, 10s, (15s,) 20s
			if hedge > 0 {
				waitUntil(t, func() bool { return clk.latestDeadline() > 0 }, fmt.Sprintf("step %d: the engine set no wake-up for the next hedge", step))
			}
			clk.Advance(5 * time.Second)
			if hedge == 0 {
				want = 1
			}
			waitUntil(t, func() bool { return calls.Load() >= want }, fmt.Sprintf("ProbeHedge %v: %d requests after %ds, want %d", hedge, calls.Load(), 5*(step+1), want))
			time.Sleep(20 * time.Millisecond) // real time for a wrongly sending dispatcher
			if n := calls.Load(); n != want {
				t.Fatalf("ProbeHedge %v: %d requests after %ds, want %d", hedge, n, 5*(step+1), want)
			}
		}
		close(release)
		if st := <-done; st.Succeeded != 6 {
			t.Errorf("ProbeHedge %v: %d of 6 succeeded", hedge, st.Succeeded)
		}
	}
}

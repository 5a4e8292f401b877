package engine

import (
	"testing"
	"time"
)

// fakeClock is a settable clock; the controller and buckets take times as
// arguments, so tests drive them by moving it.
type fakeClock struct{ now time.Time }

func (c *fakeClock) advance(d time.Duration) time.Time { c.now = c.now.Add(d); return c.now }

func TestControllerSlowStartThenAdditive(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(4, 100)
	// Slow start: one more per saturated success, so four successes double 4.
	for i := 0; i < 4; i++ {
		c.success(clk.advance(10*time.Millisecond), 100*time.Millisecond, true)
	}
	if got := c.Limit(); got != 8 {
		t.Fatalf("after slow start limit = %d, want 8", got)
	}
	// Successes while the limit was not full do not grow it.
	for i := 0; i < 10; i++ {
		c.success(clk.advance(10*time.Millisecond), 100*time.Millisecond, false)
	}
	if got := c.Limit(); got != 8 {
		t.Fatalf("unsaturated successes changed the limit to %d", got)
	}
	// A 429 drops by beta and ends slow start.
	c.overload(clk.advance(time.Millisecond))
	if got := c.Limit(); got != 6 {
		t.Fatalf("after overload limit = %d, want 6 (8*0.75)", got)
	}
	// A second 429 within one round trip (the 100ms smoothed latency) counts
	// as the same event.
	c.overload(clk.advance(50 * time.Millisecond))
	if got := c.Limit(); got != 6 {
		t.Fatalf("second overload within an RTT gave %d, want 6", got)
	}
	// Additive increase: 1/limit per success, so a little over one per limit's worth.
	// The limit holds for a round plus warmSamples successes (6+8), so the
	// decrease is judged before growth resumes.
	for i := 0; i < 14; i++ {
		c.success(clk.advance(10*time.Millisecond), 100*time.Millisecond, true)
	}
	if got := c.Limit(); got != 6 {
		t.Fatalf("limit grew to %d during the hold after a decrease", got)
	}
	for i := 0; i < 7; i++ {
		c.success(clk.advance(10*time.Millisecond), 100*time.Millisecond, true)
	}
	if got := c.Limit(); got != 7 {
		t.Fatalf("after one round of additive increase limit = %d, want 7", got)
	}
	// After an RTT, a new 429 applies again: 7.x * 0.75.
	c.overload(clk.advance(200 * time.Millisecond))
	if got := c.Limit(); got != 5 {
		t.Fatalf("after second overload limit = %d, want 5", got)
	}
}

func TestControllerCapAndFloor(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(2, 5)
	for i := 0; i < 50; i++ {
		c.success(clk.advance(time.Millisecond), 10*time.Millisecond, true)
	}
	if got := c.Limit(); got != 5 {
		t.Fatalf("limit = %d, want the cap 5", got)
	}
	for i := 0; i < 50; i++ {
		c.overload(clk.advance(time.Second))
	}
	if got := c.Limit(); got != 1 {
		t.Fatalf("limit = %d, want the floor 1", got)
	}
}

func TestControllerLatencyGrowthDecreases(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(4, 64)
	// Healthy: latency flat at 100ms, limit grows.
	for i := 0; i < 20; i++ {
		c.success(clk.advance(10*time.Millisecond), 100*time.Millisecond, true)
	}
	grown := c.Limit()
	if grown <= 4 {
		t.Fatalf("limit did not grow with flat latency: %d", grown)
	}
	// Queueing: latency triples. The smoothed latency crosses 1.6x the
	// baseline after a few samples and the limit drops.
	for i := 0; i < 10; i++ {
		c.success(clk.advance(10*time.Millisecond), 300*time.Millisecond, true)
	}
	if got := c.Limit(); got >= grown {
		t.Fatalf("limit %d did not drop from %d when latency tripled", got, grown)
	}
}

func TestControllerNoisyFlatLatencyKeepsGrowing(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(4, 1000)
	// Latency alternating 50ms and 150ms around a flat mean is noise, not
	// queueing: the limit must keep growing.
	for i := 0; i < 400; i++ {
		lat := 50 * time.Millisecond
		if i%2 == 1 {
			lat = 150 * time.Millisecond
		}
		c.success(clk.advance(5*time.Millisecond), lat, true)
	}
	if got := c.Limit(); got < 100 {
		t.Fatalf("limit = %d after 400 healthy successes, want it to have grown well past 100", got)
	}
}

func TestControllerReset(t *testing.T) {
	c := newController(3, 10)
	c.overload(time.Unix(1, 0))
	c.reset(3)
	if c.Limit() != 3 || c.samples != 0 {
		t.Fatalf("reset left limit %d, samples %d", c.Limit(), c.samples)
	}
}

// TestControllerLatencyDropsOncePerBout checks that one bout of queueing
// lowers the limit once, not again while the smoothed latency still shows
// the old limit's queue, which would take an Ollama host below its slots.
func TestControllerLatencyDropsOncePerBout(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(4, 8)
	for i := 0; i < 20; i++ {
		c.success(clk.advance(25*time.Millisecond), 100*time.Millisecond, true)
	}
	if c.Limit() != 8 {
		t.Fatalf("limit %d after 20 saturated successes, want 8", c.Limit())
	}
	// Latency doubles; the first decrease comes once the EWMA crosses 1.6x.
	// From then on the server's queue is gone and latency is back to
	// normal, but the smoothed latency takes a while to follow.
	dropped := -1
	for i := 0; i < 40; i++ {
		lat, step := 200*time.Millisecond, 50*time.Millisecond
		if dropped >= 0 {
			// 1.5x: what the lower limit leaves, below the 1.6x trigger;
			// each sample more than a round trip apart, so only the hold
			// (not the once-per-RTT guard) stops a second decrease.
			lat, step = 150*time.Millisecond, 250*time.Millisecond
		}
		// Unsaturated, so only decreases move the limit.
		c.success(clk.advance(step), lat, false)
		if c.Limit() < 8 && dropped < 0 {
			dropped = i
		}
	}
	if dropped < 0 {
		t.Fatal("no decrease when latency doubled")
	}
	if got := c.Limit(); got != 6 {
		t.Fatalf("limit = %d after one bout, want 6 (8*0.75, once)", got)
	}
}

// TestControllerLatencyKeepsTheStart: latency that rises while no more
// than the start limit is in flight (where the baseline was measured) is
// the server or the machine slowing down, not this client's queue, and
// does not lower the limit; a 503 still does.
func TestControllerLatencyKeepsTheStart(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1000, 0)}
	c := newController(4, 64)
	for i := 0; i < 10; i++ {
		c.success(clk.advance(50*time.Millisecond), 100*time.Millisecond, false)
	}
	for i := 0; i < 40; i++ {
		c.success(clk.advance(250*time.Millisecond), 300*time.Millisecond, false)
	}
	if c.Limit() != 4 {
		t.Fatalf("limit %d after latency tripled at the start limit, want 4", c.Limit())
	}
	c.overload(clk.advance(time.Second))
	if c.Limit() != 3 {
		t.Fatalf("limit %d after a 503, want 3", c.Limit())
	}
}

package engine

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestDerivedContextsNeedNoGoroutine: contexts derived from an attempt's
// (the provider client's per-request timeout) register with it instead of
// each starting a goroutine to wait for it, and still end, with a
// deadline error, when the dispatcher expires the attempt.
func TestDerivedContextsNeedNoGoroutine(t *testing.T) {
	const n = 200
	c := newAttemptCtx(context.Background(), time.Hour)
	defer c.release()
	before := runtime.NumGoroutine()
	children := make([]context.Context, n)
	for i := range children {
		var cancel context.CancelFunc
		children[i], cancel = context.WithTimeout(c, time.Hour)
		defer cancel()
	}
	if grew := runtime.NumGoroutine() - before; grew >= n/2 {
		t.Errorf("%d goroutines started for %d derived contexts", grew, n)
	}
	// One child ended on its own unregisters itself.
	_, cancel := context.WithCancel(c)
	cancel()
	if len(c.after) != n {
		t.Errorf("%d registered, want %d", len(c.after), n)
	}
	c.expire(context.DeadlineExceeded)
	for i, child := range children {
		select {
		case <-child.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("child %d still running after the attempt expired", i)
		}
		if !errors.Is(child.Err(), context.DeadlineExceeded) {
			t.Fatalf("child %d: %v, want a deadline", i, child.Err())
		}
	}
	// Derived after the end: done at once.
	late, cancelLate := context.WithCancel(c)
	defer cancelLate()
	select {
	case <-late.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("a context derived after the attempt ended is not done")
	}
}

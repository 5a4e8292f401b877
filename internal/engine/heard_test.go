package engine

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestHeardHeadersLiftTheProbe: the probe's headers, handed over while
// its answer is still coming, release the rest of the job at once (the
// probe's call waits until some other request has been sent, so without
// them the run would never end), size the buckets, and are not applied a
// second time when the answer completes.
func TestHeardHeadersLiftTheProbe(t *testing.T) {
	reqs := make([]int, 20)
	for i := range reqs {
		reqs[i] = i
	}
	var others atomic.Int32
	var probes atomic.Int32
	othersStarted := make(chan struct{})
	limits := &RateState{Requests: &Bucket{Limit: 600, Remaining: 599, Reset: -1}, Tokens: &Bucket{Limit: 1_000_000, Remaining: 999_000, Reset: -1}}
	call := func(ctx context.Context, host, req int) (int, Feedback, error) {
		if Probing(ctx) {
			probes.Add(1)
		}
		if req != 0 {
			if others.Add(1) == 1 {
				close(othersStarted)
			}
			return req, Feedback{Rate: limits}, nil
		}
		Heard(ctx, limits)
		Heard(ctx, &RateState{Requests: &Bucket{Limit: 1, Remaining: 0, Reset: -1}}) // only the first counts
		select {
		case <-othersStarted:
		case <-ctx.Done():
			return 0, Feedback{}, ctx.Err()
		}
		return req, Feedback{Rate: limits}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, st := Run(ctx, reqs, call, Options[int, int]{
		Hosts: []HostLimits{{RPM: 5000, TPM: 2_000_000, Window: time.Minute, StartConcurrency: 4, Probe: 1}},
	})
	for i, r := range res {
		if r.Err != nil || r.Value != i {
			t.Fatalf("request %d: %v, %v (the probe's early headers did not release the job)", i, r.Value, r.Err)
		}
	}
	if probes.Load() != 1 {
		t.Errorf("%d calls were told they probe, want 1: only what leaves before the host's first answer", probes.Load())
	}
	if h := st.Hosts[0]; h.RequestLimit != 600 || h.TokenLimit != 1_000_000 {
		t.Errorf("buckets sized %d requests, %d tokens; want the heard 600 and 1000000", h.RequestLimit, h.TokenLimit)
	}
}

// TestHeardOutsideAnAttemptIsIgnored: a context the engine did not make
// carries nothing to report to.
func TestHeardOutsideAnAttemptIsIgnored(t *testing.T) {
	Heard(context.Background(), &RateState{})
	if Probing(context.Background()) {
		t.Fatal("a plain context probes")
	}
}

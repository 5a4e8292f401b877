package dispatch

import (
	"errors"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

func TestFirstFailuresStopOnlyOnAlikeFailuresBeforeAnySuccess(t *testing.T) {
	notFound := engine.Result[llm.Answer]{Err: &llm.Error{Kind: llm.NotFound}}
	badReq := engine.Result[llm.Answer]{Err: &llm.Error{Kind: llm.BadRequest}}
	ok := engine.Result[llm.Answer]{}

	f := firstFailures{threshold: 3}
	for i := 0; i < 2; i++ {
		if ready, stop := f.add(i, notFound); ready != nil || stop {
			t.Fatalf("failure %d: settled %v, stop %v; want it held", i, ready, stop)
		}
	}
	if _, stop := f.add(2, notFound); !stop {
		t.Fatal("three alike 404s before any success did not stop the run")
	}

	f = firstFailures{threshold: 3}
	f.add(0, notFound)
	if ready, stop := f.add(1, badReq); stop || len(ready) != 2 {
		t.Fatalf("a different failure: settled %d, stop %v; want both settled, no stop", len(ready), stop)
	}
	if ready, stop := f.add(2, notFound); stop || len(ready) != 1 {
		t.Fatalf("after the run proved mixed: settled %d, stop %v", len(ready), stop)
	}

	f = firstFailures{threshold: 3}
	f.add(0, ok)
	f.add(1, notFound)
	if _, stop := f.add(2, notFound); stop {
		t.Fatal("failures after a success stopped the run")
	}

	f = firstFailures{threshold: 3}
	f.add(0, notFound)
	if held := f.flush(); len(held) != 1 || !errors.As(held[0].res.Err, new(*llm.Error)) {
		t.Fatalf("flush returned %v", held)
	}
}

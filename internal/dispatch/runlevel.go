package dispatch

import (
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// RunError is a failure that concerns every request of the run, not one
// construct: the first requests all failed the same way (a model or route
// the server does not have, a parameter it refuses, a key without access,
// an exhausted quota), or the provider stopped answering. Falling back to
// the built-in planner on every construct would look like success; the run
// stops instead, and the user hears what to fix.
type RunError struct {
	// Provider, Model and BaseURL say what was asked.
	Provider, Model, BaseURL string
	// Count is how many requests failed alike before the run stopped.
	Count int
	// Err is the first request's error (an *llm.Error), or an
	// *engine.HostsDownError.
	Err error
}

func (e *RunError) Error() string {
	if engine.IsHostsDown(e.Err) {
		return fmt.Sprintf("the %s server at %s stopped answering: %v", e.Provider, e.BaseURL, e.Err)
	}
	return fmt.Sprintf("the first %d requests to %s (model %s at %s) all failed: %v", e.Count, e.Provider, e.Model, e.BaseURL, e.Err)
}

// Unwrap returns the underlying failure.
func (e *RunError) Unwrap() error { return e.Err }

// runLevelKinds are the failures that, when every one of the first
// requests meets them, no other request will escape.
func runLevelKind(k llm.Kind) bool {
	switch k {
	case llm.NotFound, llm.BadRequest, llm.Permission, llm.Quota:
		return true
	}
	return false
}

// runLevelThreshold is how many alike failures, before any success, stop
// the run: enough that one odd construct cannot stop it, few enough that
// a wrong model name costs seconds.
const runLevelThreshold = 3

// held is a failed result kept back while it may turn out to be run-level.
type held struct {
	idx int
	res engine.Result[llm.Answer]
}

// firstFailures watches the first results for a run-level failure. It is
// used from the engine's result callback only, one call at a time.
type firstFailures struct {
	threshold int
	kind      llm.Kind
	held      []held
	decided   bool // a success or a different failure came: nothing is run-level
}

// add takes a result. It returns the results to settle now (a held
// backlog once the run proved healthy) and whether the run must stop.
func (f *firstFailures) add(idx int, res engine.Result[llm.Answer]) (settle []held, stop bool) {
	if f.decided {
		return []held{{idx, res}}, false
	}
	k := llm.KindOf(res.Err)
	if res.Err != nil && runLevelKind(k) && (len(f.held) == 0 || k == f.kind) {
		f.kind = k
		f.held = append(f.held, held{idx, res})
		return nil, len(f.held) >= f.threshold
	}
	f.decided = true
	settle = append(f.held, held{idx, res})
	f.held = nil
	return settle, false
}

// flush returns what is still held when the run ends without stopping.
func (f *firstFailures) flush() []held {
	out := f.held
	f.held = nil
	f.decided = true
	return out
}

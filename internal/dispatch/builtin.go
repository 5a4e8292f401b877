// Package dispatch gets every construct its decision: from the built-in
// planner, from the cache, or from an LLM through the request engine, with
// each failed or invalid answer falling back to the built-in planner for
// that construct alone.
package dispatch

import (
	"context"

	"github.com/telemetry-inject/telemetry-inject/internal/decide/builtin"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Builtin decides every construct with the offline planner.
type Builtin struct{}

// Decide implements decision.Decider.
func (Builtin) Decide(ctx context.Context, jobs []decision.Job, done func(int, decision.Decided)) {
	for i, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		done(i, decision.Decided{Decision: builtin.Decide(j.Construct), Origin: source.OriginBuiltin})
	}
}

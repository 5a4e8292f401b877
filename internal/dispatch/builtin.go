// Package dispatch gets every construct its decision: from the built-in
// planner, from the cache, or from an LLM through the request engine, with
// each failed or invalid answer falling back to the built-in planner for
// that construct alone.
package dispatch

import (
	"context"

	"github.com/telemetry-inject/telemetry-inject/internal/decide/builtin"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Builtin decides every construct with the offline planner.
type Builtin struct{}

// Decide implements pipeline.Decider.
func (Builtin) Decide(ctx context.Context, jobs []pipeline.Job, done func(int, pipeline.Decided)) {
	for i, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		done(i, pipeline.Decided{Decision: builtin.Decide(j.Construct), Origin: source.OriginBuiltin})
	}
}

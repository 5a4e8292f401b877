// Package decision is the contract between the pipeline, which finds
// constructs and writes files, and the deciders (the built-in planner, the
// LLM dispatcher), which choose what each construct gets. It stands apart
// from both so that neither has to import the other.
package decision

import (
	"context"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Job is one construct to decide.
type Job struct {
	File      *source.File
	Construct *source.Construct
}

// Decided is the decision about one job and where it came from. Note says
// why a fallback happened, for the report.
type Decided struct {
	Decision source.Decision
	Origin   source.Origin
	Note     string
}

// Decider decides constructs. It must call done exactly once per job, from
// any goroutine, as each decision becomes ready, and return when all are
// done or ctx ends (jobs left undecided then leave their files untouched).
type Decider interface {
	Decide(ctx context.Context, jobs []Job, done func(i int, d Decided))
}

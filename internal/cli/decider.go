package cli

import (
	"context"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
)

// decider is the pipeline's decider plus what the summary needs from it.
type decider struct {
	decision.Decider
	Stats *dispatch.Stats
	err   func() error // what stopped the run, if anything did
	close func()

	// estimate, when set, is shown (and on a terminal confirmed) before
	// the first request; cancel stops the run when the user declines.
	estimate *estimate
	cancel   context.CancelFunc
	declined bool
}

// Decide shows the estimate, if any, before deciding.
func (d *decider) Decide(ctx context.Context, jobs []decision.Job, done func(int, decision.Decided)) {
	if d.estimate != nil && len(jobs) > 0 && !d.estimate.confirm(jobs) {
		d.declined = true
		if d.cancel != nil {
			d.cancel()
		}
		return
	}
	d.Decider.Decide(ctx, jobs, done)
}

// Err returns what stopped the run early (the user at the estimate, an
// authentication failure).
func (d *decider) Err() error {
	if d.declined {
		return errDeclined
	}
	if d.err == nil {
		return nil
	}
	return d.err()
}

func (d *decider) Close() {
	if d.close != nil {
		d.close()
	}
}

// newDecider picks the built-in planner when no provider is configured,
// and otherwise builds the LLM dispatcher for the configured provider.
func newDecider(ctx context.Context, opts *Options, root string) (*decider, error) {
	cfg, err := providerConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return &decider{Decider: dispatch.Builtin{}}, nil
	}
	return newLLMDecider(ctx, opts, root, cfg)
}

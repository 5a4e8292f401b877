package cli

import (
	"context"
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/batch"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/anthropic"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// batchFunc wires the provider's batch API for --batch. Batch ids are saved
// under the project's .telemetry-inject folder, so a later run collects a
// batch still in progress instead of submitting it again.
func batchFunc(opts *Options, root string, cfg *llm.Config) (dispatch.BatchFunc, error) {
	var p batch.Provider
	var err error
	switch cfg.Provider {
	case llm.OpenAI:
		p, err = openai.NewBatch(*cfg)
	case llm.Anthropic:
		p, err = anthropic.NewBatch(*cfg)
	default:
		return nil, flagErrorf("--batch needs the openai or anthropic provider, not %s", cfg.Provider)
	}
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, reqs []prompt.Request, keep func([]llm.BatchResult) error) (map[string]llm.BatchResult, error) {
		bopts := batch.Options{Dir: root, OnResults: keep}
		if opts.Verbose {
			bopts.Progress = func(pr batch.Progress) {
				fmt.Fprintf(opts.IO.ErrOut, "batch %s: %s, %d/%d done, %d failed (%d of %d batches collected)\n",
					pr.BatchID, pr.Batch.Phase, pr.Completed, pr.Total, pr.Failed, pr.Ended, pr.Batches)
			}
		}
		results, rep, err := batch.Run(ctx, p, reqs, bopts)
		if opts.Verbose {
			fmt.Fprintf(opts.IO.ErrOut, "batch: %d batches (%d submitted, %d resumed): %d answered, %d failed, %d expired, %d canceled\n",
				rep.Batches, rep.Submitted, rep.Resumed, rep.Succeeded, rep.Failed, rep.Expired, rep.Canceled)
		}
		return results, err
	}, nil
}

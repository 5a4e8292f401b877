package cli

import (
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// batchFunc wires the provider's batch API for --batch.
func batchFunc(opts *Options, root string, cfg *llm.Config) (dispatch.BatchFunc, error) {
	return nil, flagErrorf("--batch is not available for the %s provider yet", cfg.Provider)
}

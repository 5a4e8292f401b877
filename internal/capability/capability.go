// Package capability decides how many LLM requests to have in flight at
// once, and explains why. For a hosted provider it reads the model table
// (rate limits, latency, suggested maximum); for Ollama it asks the server
// about the model and this machine about its GPUs, and sizes the KV cache.
// Detection never fails: whatever it cannot learn becomes a conservative
// default and a line in Details, and the request engine adapts at run time
// to what the server actually does. README.md holds the formulas.
package capability

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/models"
)

// Input is what detection works from.
type Input struct {
	// Provider is "openai", "anthropic", "ollama" or "openai-compatible".
	Provider string
	Model    string
	// BaseURLs are the servers requests go to; several Ollama or vLLM
	// hosts are sized one by one and added up. Empty means the
	// provider's default (for Ollama, DefaultOllamaURL).
	BaseURLs []string
	// Models is the loaded model table; nil loads the embedded one.
	Models *models.Table
	// Run runs nvidia-smi and rocm-smi; nil means ExecRunner.
	Run Runner
	// HTTPClient talks to Ollama; nil means a client with a 5 s timeout.
	HTTPClient *http.Client
	// MaxParallel is the user's --max-parallel cap; 0 for none.
	MaxParallel int
	// RPM and TPM are the user's --rpm and --tpm; 0 to use the table.
	RPM, TPM int
	// NumCtx is the context length the Ollama provider asks for per
	// request (its num_ctx option); 0 when it leaves the server default.
	NumCtx int
	// InputTokensPerRequest and OutputTokensPerRequest estimate one
	// request; 0 means 1000 and 200.
	InputTokensPerRequest, OutputTokensPerRequest int
	// CommandTimeout time-boxes each GPU tool; 0 means 2 s.
	CommandTimeout time.Duration
}

// Report is the outcome of detection.
type Report struct {
	// Parallel is the suggested starting and maximum concurrency.
	Parallel int
	// RPM, TPM and OutputTPM are the limits to start from; 0 means none
	// known (local servers).
	RPM, TPM, OutputTPM int
	// ContextWindow is the context, in tokens, a request may fill.
	ContextWindow int
	// Reason is one line for -v, e.g. "1x NVIDIA GeForce RTX 4090 with
	// 24.0GiB, model size 4.7GiB, KV cache 0.50GiB per slot (4096 tokens)
	// → 32 parallel requests".
	Reason string
	// Details are the steps of the reasoning, one per line, for -v.
	Details []string
	// GPUs found on this machine (only looked for when a server is local).
	GPUs []GPU
	// Entry is the model-table entry used; for Ollama, the free local
	// entry. Its Cost prices the run.
	Entry models.Entry
	// Hosts holds one line per base URL when the provider is sized per
	// server (Ollama, OpenAI-compatible servers with an unknown model).
	Hosts []Host
}

// Host is the part of a Report that concerns one server.
type Host struct {
	BaseURL  string
	Parallel int
	Reason   string
}

// Defaults used when nothing better is known.
const (
	// DefaultParallel is the concurrency for a server we know nothing
	// about: enough to overlap network latency, few enough not to flood.
	DefaultParallel = 4
	// MaxSlots bounds the KV-cache estimate for one Ollama server.
	MaxSlots            = 32
	defaultInputTokens  = 1000
	defaultOutputTokens = 200
	defaultTimeout      = 2 * time.Second
	httpTimeout         = 5 * time.Second
)

// Detect sizes concurrency for in. It never returns an error: a missing
// tool, an unreachable server or an unknown model lead to a conservative
// default, and Details says which.
func Detect(ctx context.Context, in Input) Report {
	if in.Run == nil {
		in.Run = ExecRunner
	}
	if in.HTTPClient == nil {
		in.HTTPClient = &http.Client{Timeout: httpTimeout}
	}
	if in.CommandTimeout <= 0 {
		in.CommandTimeout = defaultTimeout
	}
	if in.InputTokensPerRequest <= 0 {
		in.InputTokensPerRequest = defaultInputTokens
	}
	if in.OutputTokensPerRequest <= 0 {
		in.OutputTokensPerRequest = defaultOutputTokens
	}
	if in.Models == nil {
		t, err := models.LoadEmbedded()
		if err != nil { // a build defect, which the models tests rule out
			r := Report{Parallel: DefaultParallel, Reason: fmt.Sprintf("model table unreadable (%v): default %d parallel requests", err, DefaultParallel)}
			applyUserCap(&r, in.MaxParallel)
			return r
		}
		in.Models = t
	}
	provider := strings.ToLower(strings.TrimSpace(in.Provider))
	var r Report
	switch {
	case provider == models.ProviderOllama:
		r = detectOllama(ctx, in)
	case provider == models.ProviderCompatible && !known(in):
		r = detectUnknownServers(ctx, in)
	default:
		r = detectHosted(in)
	}
	applyUserCap(&r, in.MaxParallel)
	return r
}

func known(in Input) bool {
	return !in.Models.Lookup(in.Provider, in.Model).IsDefault()
}

// applyUserCap clamps to --max-parallel and says so in the Reason.
func applyUserCap(r *Report, limit int) {
	if r.Parallel < 1 {
		r.Parallel = 1
	}
	switch {
	case limit <= 0:
	case limit < r.Parallel:
		r.Details = append(r.Details, fmt.Sprintf("--max-parallel %d caps the detected %d", limit, r.Parallel))
		r.Reason = fmt.Sprintf("%s, capped to %d by --max-parallel", r.Reason, limit)
		r.Parallel = limit
	case limit > r.Parallel:
		r.Details = append(r.Details, fmt.Sprintf("--max-parallel %d is above the detected %d, which stays the suggestion", limit, r.Parallel))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

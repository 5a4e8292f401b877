package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/capability"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/anthropic"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/ollama"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
)

// providerConfig reads the provider configuration, flags over environment.
// It returns nil when no provider is configured (or --provider builtin):
// the run then uses the built-in planner.
func providerConfig(opts *Options) (*llm.Config, error) {
	if strings.EqualFold(opts.Provider, "builtin") {
		return nil, nil
	}
	// Flags stand in for their environment variables, so the provider
	// inference and defaults apply to them exactly as to the environment.
	overlay := func(k string) string {
		switch {
		case k == "LLM_PROVIDER" && opts.Provider != "":
			return opts.Provider
		case k == "LLM_MODEL" && opts.Model != "":
			return opts.Model
		case k == "LLM_BASE_URL" && len(opts.BaseURLs) > 0:
			return strings.Join(opts.BaseURLs, ",")
		}
		return opts.Getenv(k)
	}
	cfg := llm.ConfigFromEnv(overlay)
	if cfg.Provider == "" {
		return nil, nil
	}
	cfg = cfg.WithDefaults()
	if opts.Timeout > 0 {
		cfg.Timeout = opts.Timeout
	}
	if err := cfg.Validate(); err != nil {
		return nil, flagErrorf("%v", err)
	}
	return &cfg, nil
}

// newLLMDecider detects what the provider and hardware allow, builds one
// client per base URL and the dispatcher that drives them.
func newLLMDecider(ctx context.Context, opts *Options, root string, cfg *llm.Config) (*decider, error) {
	table, err := models.Load(opts.ModelsFile)
	if err != nil {
		return nil, err
	}
	fleet := cfg.Fleet()
	var urls []string
	for _, fc := range fleet {
		urls = append(urls, fc.BaseURL)
	}
	capRep := capability.Detect(ctx, capability.Input{
		Provider: cfg.Provider, Model: cfg.Model, BaseURLs: urls, Models: table,
		MaxParallel: opts.MaxParallel, RPM: opts.RPM, TPM: opts.TPM,
	})
	parallel := capRep.Parallel
	if opts.NoParallel {
		parallel = 1
	}
	if opts.Verbose {
		w := opts.IO.ErrOut
		fmt.Fprintf(w, "Provider: %s, model %s, %d host(s)\n", cfg.Provider, cfg.Model, len(fleet))
		if opts.NoParallel {
			fmt.Fprintln(w, "Reason: --no-parallel → 1 request at a time")
		} else {
			fmt.Fprintf(w, "Reason: %s\n", capRep.Reason)
		}
		for _, d := range capRep.Details {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}

	hosts := make([]llm.Decider, len(fleet))
	limits := make([]engine.HostLimits, len(fleet))
	for i, fc := range fleet {
		if hosts[i], err = newClient(fc); err != nil {
			return nil, err
		}
		per := parallel
		if len(capRep.Hosts) == len(fleet) && !opts.NoParallel {
			per = capRep.Hosts[i].Parallel
		}
		limits[i] = engine.HostLimits{
			Name: fc.BaseURL, RPM: capRep.RPM, TPM: capRep.TPM,
			MaxConcurrency: per, StartConcurrency: min(per, 4),
		}
	}
	d := &dispatch.LLM{
		Provider: cfg.Provider, Model: cfg.Model, Hosts: hosts, Budget: opts.Budget,
		Engine: engine.Options[*dispatch.Request, llm.Answer]{
			Hosts: limits, MaxInFlight: opts.MaxParallel, Sequential: opts.NoParallel, Timeout: cfg.Timeout,
		},
	}
	d.Stats().Parallel, d.Stats().Reason = parallel, capRep.Reason
	if entry := capRep.Entry; entry.Priced || cfg.Provider == llm.Ollama {
		d.Price = entry.Cost
	} else if opts.Budget > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: no price is known for %s, so --budget cannot be enforced; add the model to a --models-file\n", cfg.Model)
	}
	closers := []func(){}
	if !opts.NoCache {
		open := cache.Open
		if opts.DryRun {
			open = cache.OpenReadOnly // a dry run writes nothing, not even here
		}
		c, err := open(root)
		if err != nil {
			return nil, err
		}
		d.Cache = c
		closers = append(closers, func() { _ = c.Close() })
	}
	if opts.Batch {
		bf, err := batchFunc(opts, root, cfg)
		if err != nil {
			return nil, err
		}
		d.Batch = bf
	}
	if opts.Verbose || opts.IO.IsStderrTTY() {
		var progress interface{ Add(int) }
		d.Progress = func(done, total int) {
			if progress == nil {
				progress = opts.IO.NewProgress(total, "requests", opts.Verbose)
			}
			progress.Add(1)
		}
	}
	var est *estimate
	if !opts.DryRun && (capRep.Entry.Priced || opts.Verbose) {
		est = &estimate{opts: opts, entry: capRep.Entry, parallel: parallel, batch: opts.Batch}
	}
	return &decider{
		Decider:  d,
		Stats:    d.Stats(),
		estimate: est,
		err:      d.Err,
		close: func() {
			for _, c := range closers {
				c()
			}
		},
	}, nil
}

// newClient builds the client for one host. Only the command line names
// the concrete providers.
func newClient(cfg llm.Config) (llm.Decider, error) {
	switch cfg.Provider {
	case llm.OpenAI, llm.OpenAICompatible:
		return openai.New(cfg)
	case llm.Anthropic:
		return anthropic.New(cfg)
	case llm.Ollama:
		return ollama.New(cfg)
	}
	return nil, flagErrorf("unknown provider %q: want openai, anthropic, ollama, openai-compatible or builtin", cfg.Provider)
}

// stopError explains a run stopped by the provider (an authentication
// failure) in the one message the user sees.
func stopError(provider string, err error) error {
	switch llm.KindOf(err) {
	case llm.Auth:
		return fmt.Errorf("the %s provider rejected the API key; check it and run again (files finished before the failure stay written): %w", provider, err)
	case llm.Connection:
		return fmt.Errorf("cannot reach the %s server; check that it runs and the base URL (files were left untouched): %w", provider, err)
	}
	return fmt.Errorf("the run was stopped by the %s provider: %w", provider, err)
}

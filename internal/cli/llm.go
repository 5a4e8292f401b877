package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/accountlimits"
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/capability"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/anthropic"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/ollama"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
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
	// The client's own deadline is the ceiling; the engine gives each
	// attempt less, following the latency it observes.
	cfg.Timeout = cfg.RequestTimeout()
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
	// Limits the user gave win; otherwise what the account's headers
	// said in an earlier run, when every host has such a report.
	memory := accountlimits.Open(userCacheDir(opts.Getenv))
	userLimits, now := opts.RPM > 0 || opts.TPM > 0, time.Now()
	var recalled []accountlimits.Limits
	if !userLimits {
		recalled = recallLimits(memory, fleet, now, capRep.RPM, capRep.TPM)
	}
	var verbose io.Writer
	if opts.Verbose {
		verbose = opts.IO.ErrOut
	}
	for i, fc := range fleet {
		if hosts[i], err = newClient(fc); err != nil {
			return nil, err
		}
		per := parallel
		if len(capRep.Hosts) == len(fleet) && !opts.NoParallel {
			per = capRep.Hosts[i].Parallel
		}
		limits[i] = hostLimits(cfg.Provider, llm.ShowURL(fc.BaseURL), per, capRep.RPM, capRep.TPM, opts.MaxParallel, userLimits || recalled != nil)
		if recalled != nil {
			startFrom(&limits[i], recalled[i], now, hostName(i, len(fleet)), verbose)
		}
	}
	d := &dispatch.LLM{
		Provider: cfg.Provider, Model: cfg.Model, Hosts: hosts, Budget: opts.Budget,
		Engine:              engineOptions(cfg, opts.MaxParallel, opts.NoParallel),
		InputOnlyTokenLimit: cfg.Provider == llm.Anthropic,
		CacheReadsExempt:    cfg.Provider == llm.Anthropic,
		Group:               opts.Group && !opts.NoGroup,
		AdaptGroups:         !opts.GroupExplicit,
		LimitsKnown:         userLimits || recalled != nil,
		CacheMinTokens:      capRep.Entry.CacheMinTokens,
		ContextWindow:       capRep.ContextWindow,
	}
	if capRep.ContextWindow > 0 {
		// A small context (a local model's) trims long constructs'
		// code rather than failing their requests.
		d.PromptOptions.MaxCodeTokens = prompt.CodeBudgetFor(capRep.ContextWindow)
	}
	d.Engine.Hosts = limits
	if opts.Verbose {
		d.Bottleneck = verboseBottleneck(opts.IO.ErrOut)
		d.Note = func(s string) { fmt.Fprintln(opts.IO.ErrOut, s) }
	}
	d.Stats().Parallel, d.Stats().Reason = parallel, capRep.Reason
	if entry := capRep.Entry; entry.Priced || cfg.Provider == llm.Ollama {
		d.Price = dispatch.EntryPrice(entry)
	} else if opts.Budget > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: no price is known for %s, so --budget cannot be enforced; add the model to a --models-file\n", cfg.Model)
	}
	closers := []func(){}
	if !opts.DryRun {
		closers = append(closers, func() { keepLimits(memory, fleet, d, verbose) })
	}
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
		entry := capRep.Entry
		entry.RPM, entry.TPM = capRep.RPM, capRep.TPM
		if recalled != nil {
			// The account's own limits, not the table's guess at its tier.
			entry.RPM, entry.TPM = 0, 0
			for _, h := range limits {
				entry.RPM, entry.TPM = entry.RPM+h.RPM, entry.TPM+h.TPM
			}
		}
		est = &estimate{opts: opts, entry: entry, parallel: parallel, batch: opts.Batch, plan: d.Plan}
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

// stopError explains a run stopped by the provider in the one message the
// user sees, naming what to fix.
func stopError(provider string, err error) error {
	var re *dispatch.RunError
	if errors.As(err, &re) {
		return runLevelError(re)
	}
	switch llm.KindOf(err) {
	case llm.Auth:
		return fmt.Errorf("the %s provider rejected the API key; check it and run again (files finished before the failure stay written): %w", provider, err)
	case llm.Connection:
		return fmt.Errorf("cannot reach the %s server; check that it runs and the base URL (files were left untouched): %w", provider, err)
	}
	return fmt.Errorf("the run was stopped by the %s provider: %w", provider, err)
}

// runLevelError words a failure every request met, with the fix.
func runLevelError(re *dispatch.RunError) error {
	var fix string
	switch {
	case engine.IsHostsDown(re.Err):
		return fmt.Errorf("the %s server at %s stopped answering (%v); files whose constructs were all decided were written, the rest were left untouched: run again when the server is back, answers received so far are cached", re.Provider, re.BaseURL, re.Err)
	case llm.KindOf(re.Err) == llm.NotFound && re.Provider == llm.Ollama:
		fix = fmt.Sprintf("check the model name (LLM_MODEL; `ollama pull %s` fetches it, `ollama list` shows what the server has) and that LLM_BASE_URL is the Ollama server (http://host:11434, with or without /v1)", re.Model)
	case llm.KindOf(re.Err) == llm.NotFound:
		fix = fmt.Sprintf("check the model name (LLM_MODEL=%s) and that LLM_BASE_URL points at the API root (for OpenAI-compatible servers usually http://host:port/v1)", re.Model)
	case llm.KindOf(re.Err) == llm.BadRequest:
		fix = "the server refuses the request format (a parameter or structured output it does not support); choose a model or server that supports JSON-schema output, or another provider"
	case llm.KindOf(re.Err) == llm.Permission:
		fix = fmt.Sprintf("the API key may not use model %s or this endpoint; check the key's project and model access", re.Model)
	case llm.KindOf(re.Err) == llm.Quota:
		fix = "the account's quota or credit is exhausted; add credit or raise the spend limit"
	default:
		fix = "check the provider settings"
	}
	return fmt.Errorf("%s: %s; their constructs were left undecided and their files untouched: %v", runLevelSummary(re), fix, re.Err)
}

func runLevelSummary(re *dispatch.RunError) string {
	return fmt.Sprintf("stopped: the first %d requests to %s (model %s at %s) all failed with %s", re.Count, re.Provider, re.Model, re.BaseURL, llm.KindOf(re.Err))
}

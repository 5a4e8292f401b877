package capability

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// detectHosted sizes a provider with vendor rate limits from the model
// table. By Little's law the requests in flight equal throughput times
// latency, so a limit of R requests per minute keeps at most
// ceil(R × latency / 60) requests busy; the token limit does the same with
// R = TPM / tokens per request. Parallel is the smallest of those and the
// entry's max_parallel.
func detectHosted(in Input) Report {
	e := in.Models.Lookup(in.Provider, in.Model)
	r := Report{Entry: e, RPM: e.RPM, TPM: e.TPM, OutputTPM: e.OutputTPM, ContextWindow: e.ContextWindow}
	r.Details = append(r.Details, "model table: "+e.Source)
	if e.Comment != "" && !e.IsDefault() {
		r.Details = append(r.Details, "table note: "+e.Comment)
	}
	limitsFrom := e.Tier
	if limitsFrom == "" {
		limitsFrom = "default"
	}
	if in.RPM > 0 {
		r.RPM, limitsFrom = in.RPM, "--rpm"
	}
	if in.TPM > 0 {
		r.TPM = in.TPM
		limitsFrom = strings.TrimPrefix(limitsFrom+", --tpm", "default, ")
	}
	latency := e.LatencySeconds
	if latency <= 0 {
		latency = 5
	}
	type bound struct {
		what string
		n    int
	}
	bounds := []bound{{"table max_parallel", e.MaxParallel}}
	// Limits the user gave are enforced by the engine's buckets, which
	// pace requests by the clock: turning them into a concurrency through
	// the table's guessed latency would only slow a run whose server
	// answers faster than the guess.
	if in.RPM > 0 || in.TPM > 0 {
		r.Details = append(r.Details, "--rpm/--tpm are enforced by the request and token buckets, not turned into a concurrency through the table's latency")
	}
	if r.RPM > 0 && in.RPM <= 0 {
		n := int(math.Ceil(float64(r.RPM) * latency / 60))
		bounds = append(bounds, bound{"RPM", n})
		r.Details = append(r.Details, fmt.Sprintf("RPM bound: %d RPM × %gs per request / 60 = %d in flight", r.RPM, latency, n))
	}
	if r.TPM > 0 && in.TPM <= 0 {
		perReq := in.InputTokensPerRequest + in.OutputTokensPerRequest
		what := "input+output"
		if e.OutputTPM > 0 { // Anthropic counts input (ITPM) and output (OTPM) apart
			perReq, what = in.InputTokensPerRequest, "input"
		}
		n := int(math.Ceil(float64(r.TPM) / float64(perReq) * latency / 60))
		bounds = append(bounds, bound{"TPM", n})
		r.Details = append(r.Details, fmt.Sprintf("TPM bound: %d TPM / %d %s tokens per request × %gs / 60 = %d in flight", r.TPM, perReq, what, latency, n))
	}
	if r.OutputTPM > 0 {
		n := int(math.Ceil(float64(r.OutputTPM) / float64(in.OutputTokensPerRequest) * latency / 60))
		bounds = append(bounds, bound{"output TPM", n})
		r.Details = append(r.Details, fmt.Sprintf("output TPM bound: %d OTPM / %d output tokens per request × %gs / 60 = %d in flight", r.OutputTPM, in.OutputTokensPerRequest, latency, n))
	}
	best := bound{"", math.MaxInt}
	for _, b := range bounds {
		if b.n > 0 && b.n < best.n {
			best = b
		}
	}
	if best.n == math.MaxInt {
		best = bound{"default", DefaultParallel}
	}
	r.Parallel = max(1, best.n)

	limits := fmt.Sprintf("%d RPM, %d TPM", r.RPM, r.TPM)
	if r.OutputTPM > 0 {
		limits += fmt.Sprintf(", %d output TPM", r.OutputTPM)
	}
	if e.IsDefault() {
		r.Reason = fmt.Sprintf("model %q not in the model table: conservative default %s → %d parallel %s", in.Model, limits, r.Parallel, plural(r.Parallel, "request", "requests"))
	} else {
		r.Reason = fmt.Sprintf("%s matched %q (%s: %s, ~%gs per request) → %d parallel %s, limited by %s", in.Model, e.Name, limitsFrom, limits, latency, r.Parallel, plural(r.Parallel, "request", "requests"), best.what)
	}
	r.Details = append(r.Details, "real limits depend on the account; the engine re-sets them from the rate-limit headers of the first answers")
	return r
}

// detectUnknownServers sizes OpenAI-compatible servers (vLLM, LM Studio,
// llama.cpp) serving a model the table does not know: DefaultParallel per
// server, since such a server batches requests itself and tells us nothing
// of its capacity over the OpenAI API.
func detectUnknownServers(ctx context.Context, in Input) Report {
	e := in.Models.Lookup(in.Provider, in.Model)
	r := Report{Entry: e, ContextWindow: e.ContextWindow}
	r.Details = append(r.Details, "model table: "+e.Source+"; an OpenAI-compatible server publishes no capacity, so each server gets the default")
	urls := in.BaseURLs
	if len(urls) == 0 {
		urls = []string{""}
	}
	anyLocal := false
	for _, u := range urls {
		r.Hosts = append(r.Hosts, Host{BaseURL: u, Parallel: DefaultParallel, Reason: "unknown server capacity: default"})
		r.Parallel += DefaultParallel
		anyLocal = anyLocal || (u != "" && isLocal(u))
	}
	if anyLocal {
		// Listed for -v only: without the model's size the GPUs do not
		// give a number, but they tell the user what the server has.
		gpus, notes := detectGPUs(ctx, in.Run, in.CommandTimeout)
		r.GPUs = gpus
		r.Details = append(r.Details, notes...)
	}
	r.Reason = fmt.Sprintf("model %q not in the model table, %d OpenAI-compatible %s × default %d → %d parallel %s",
		in.Model, len(urls), plural(len(urls), "server", "servers"), DefaultParallel, r.Parallel, plural(r.Parallel, "request", "requests"))
	return r
}

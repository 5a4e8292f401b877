package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// errDeclined is a run the user stopped at the cost estimate.
var errDeclined = errors.New("stopped at the cost estimate: nothing was sent and nothing written")

// assumedOutputTokens is what one structured decision costs in output, a
// little above what real answers to the v1 prompt measured.
const assumedOutputTokens = 120

// estimate is what a paid run prints before its first request: the
// requests the run will send (constructs the cache answers left out,
// grouped as the run groups them) priced as the provider bills them, the
// shared prompt prefix written to its cache once and read by the later
// requests; on a terminal without --yes it asks before spending anything.
// Non-interactive runs (CI, pipes) print it and go on, since nobody could
// answer; --budget is what bounds those.
type estimate struct {
	opts     *Options
	entry    models.Entry
	parallel int
	batch    bool
	// plan returns the requests the run would send first.
	plan func([]decision.Job) []dispatch.Planned
	// figures is the last estimate made, for --json.
	figures *costEstimate
}

// costEstimate is the estimate in --json ("estimate"), to compare with
// what the run reports under "requests".
type costEstimate struct {
	Requests         int     `json:"requests"`
	Constructs       int     `json:"constructs"`
	InputTokens      int     `json:"input_tokens"`
	FreshInputTokens int     `json:"fresh_input_tokens"`
	CacheReadTokens  int     `json:"cache_read_tokens"`
	CacheWriteTokens int     `json:"cache_write_tokens"`
	OutputTokens     int     `json:"output_tokens"`
	CostUSD          float64 `json:"cost_usd,omitempty"`
	UncachedUSD      float64 `json:"uncached_cost_usd,omitempty"`
}

// confirm prints the estimate and returns whether to go on.
func (e *estimate) confirm(jobs []decision.Job) bool {
	planned := e.plan(jobs)
	t := e.tokens(planned)
	f := &costEstimate{Requests: len(planned), InputTokens: t.Fresh + t.CacheRead + t.CacheWrite,
		FreshInputTokens: t.Fresh, CacheReadTokens: t.CacheRead, CacheWriteTokens: t.CacheWrite, OutputTokens: t.Output}
	for _, p := range planned {
		f.Constructs += p.Constructs
	}
	e.figures = f
	w := e.opts.IO.ErrOut
	fmt.Fprintf(w, "Estimate: at most %d requests for %d constructs (cached answers are not paid again), about %s input tokens",
		f.Requests, f.Constructs, thousands(f.InputTokens))
	if t.CacheRead+t.CacheWrite > 0 {
		fmt.Fprintf(w, " (%s read from the provider's prompt cache, %s written to it)", thousands(t.CacheRead), thousands(t.CacheWrite))
	}
	fmt.Fprintf(w, " and %s output tokens", thousands(f.OutputTokens))
	if e.entry.Priced {
		f.UncachedUSD = e.entry.Cost(f.InputTokens, f.OutputTokens, e.batch)
		f.CostUSD = e.entry.CostTokens(t, e.batch)
		if t.CacheRead+t.CacheWrite > 0 {
			fmt.Fprintf(w, ", about %s (about %s once the provider caches the shared prompt prefix)", usd(f.UncachedUSD), usd(f.CostUSD))
		} else {
			fmt.Fprintf(w, ", about %s", usd(f.CostUSD))
		}
		if e.opts.Budget > 0 {
			fmt.Fprintf(w, " (--budget $%.2f)", e.opts.Budget)
		}
	} else {
		fmt.Fprintf(w, ", no price known for this model")
	}
	if d := e.duration(f.Requests, f.InputTokens+f.OutputTokens); d > 0 && !e.batch {
		fmt.Fprintf(w, ", roughly %s at the detected limits", d.Round(time.Second))
	}
	fmt.Fprintln(w)
	if e.opts.Yes || !e.opts.IO.IsStdinTTY() || !e.entry.Priced {
		return true
	}
	fmt.Fprint(w, "Proceed? [y/N] ")
	line, _ := bufio.NewReader(e.opts.IO.In).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}

// tokens splits the planned requests' tokens as the provider's prompt
// cache bills them when requests sharing a prefix follow one another: the
// first writes the prefix (schema and system prompt), the later ones read
// it. A prefix shorter than the model's minimum cacheable length, or a
// model the table gives no cached price, is billed fresh throughout.
// OpenAI reads its cache in 128-token steps and charges nothing extra to
// write it; Anthropic charges the write.
func (e *estimate) tokens(planned []dispatch.Planned) models.Tokens {
	var t models.Tokens
	seen := map[string]bool{}
	for _, p := range planned {
		r := p.Request
		in := r.EstimatedTokens - r.MaxTokens
		t.Output += assumedOutputTokens * p.Constructs
		prefix := min(prompt.EstimateTokens(r.System)+prompt.EstimateTokens(string(r.Schema)), in)
		if e.batch || e.entry.CacheMinTokens <= 0 || e.entry.CachedInputUSDPerMTok <= 0 || prefix < e.entry.CacheMinTokens {
			t.Fresh += in
			continue
		}
		key := r.SchemaName + "\x00" + r.System
		switch {
		case !seen[key] && e.entry.CacheWriteUSDPerMTok > 0:
			t.CacheWrite += prefix
			t.Fresh += in - prefix
		case !seen[key]:
			t.Fresh += in
		case e.entry.CacheWriteUSDPerMTok > 0:
			t.CacheRead += prefix
			t.Fresh += in - prefix
		default:
			read := prefix / 128 * 128
			t.CacheRead += read
			t.Fresh += in - read
		}
		seen[key] = true
	}
	return t
}

// usd renders dollars with the precision small runs need.
func usd(v float64) string {
	if v < 0.1 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// duration is the run's expected time: requests over the detected
// concurrency, each taking the table's latency, and never faster than the
// rate limits allow.
func (e *estimate) duration(requests, tokens int) time.Duration {
	if e.entry.LatencySeconds <= 0 || e.parallel <= 0 {
		return 0
	}
	secs := float64(requests) / float64(e.parallel) * e.entry.LatencySeconds
	if e.entry.RPM > 0 {
		secs = max(secs, float64(requests)/float64(e.entry.RPM)*60)
	}
	if e.entry.TPM > 0 {
		secs = max(secs, float64(tokens)/float64(e.entry.TPM)*60)
	}
	return time.Duration(secs * float64(time.Second))
}

// thousands renders n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/models"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// errDeclined is a run the user stopped at the cost estimate.
var errDeclined = errors.New("stopped at the cost estimate: nothing was sent and nothing written")

// assumedOutputTokens is what one structured decision costs in output, a
// little above what real answers to the v1 prompt measured.
const assumedOutputTokens = 120

// estimate is what a paid run prints before its first request: what the
// run will cost at most (every construct asked, none answered from the
// cache); on a terminal without --yes it asks before spending anything.
// Non-interactive runs (CI, pipes) print it and go on, since nobody could
// answer; --budget is what bounds those.
type estimate struct {
	opts     *Options
	entry    models.Entry
	parallel int
	batch    bool
}

// confirm prints the estimate and returns whether to go on.
func (e *estimate) confirm(jobs []pipeline.Job) bool {
	in := 0
	for _, j := range jobs {
		in += prompt.Build(j.File, j.Construct).EstimatedTokens
	}
	out := assumedOutputTokens * len(jobs)
	w := e.opts.IO.ErrOut
	fmt.Fprintf(w, "Estimate: at most %d requests for %d constructs (cached answers are not paid again), about %s input and %s output tokens",
		len(jobs), len(jobs), thousands(in), thousands(out))
	if e.entry.Priced {
		fmt.Fprintf(w, ", about $%.2f", e.entry.Cost(in, out, e.batch))
		if t, ok := e.cached(len(jobs), in, out); ok {
			fmt.Fprintf(w, " (about $%.2f once the provider caches the shared prompt prefix)", e.entry.CostTokens(t, e.batch))
		}
		if e.opts.Budget > 0 {
			fmt.Fprintf(w, " (--budget $%.2f)", e.opts.Budget)
		}
	} else {
		fmt.Fprintf(w, ", no price known for this model")
	}
	if d := e.duration(len(jobs), in+out); d > 0 && !e.batch {
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

// cached splits the estimated tokens as the provider's prompt cache would
// bill them when the requests run one after another: the first writes the
// shared prefix (system prompt and schema), every later one reads it. It
// reports false when the prefix is below the model's minimum cacheable
// length, or the table does not know it, so caching would not apply.
func (e *estimate) cached(requests, in, out int) (models.Tokens, bool) {
	prefix := prompt.EstimateTokens(prompt.System()) + prompt.EstimateTokens(string(prompt.Schema()))
	if requests < 2 || e.entry.CacheMinTokens <= 0 || prefix < e.entry.CacheMinTokens || in < requests*prefix {
		return models.Tokens{}, false
	}
	return models.Tokens{Fresh: in - requests*prefix, CacheWrite: prefix, CacheRead: (requests - 1) * prefix, Output: out}, true
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

package dispatch

import (
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
)

// rateState converts reported limits into the engine's terms. Anthropic
// reports input tokens separately; they are what its token limit counts.
func rateState(l *llm.Limits) *engine.RateState {
	if l == nil {
		return nil
	}
	conv := func(b *llm.Bucket) *engine.Bucket {
		if b == nil {
			return nil
		}
		return &engine.Bucket{Limit: b.Limit, Remaining: b.Remaining, Reset: b.Reset}
	}
	rs := &engine.RateState{Requests: conv(l.Requests), Tokens: conv(l.Tokens)}
	if rs.Tokens == nil {
		rs.Tokens = conv(l.InputTokens)
	}
	if rs.Requests == nil && rs.Tokens == nil {
		return nil
	}
	return rs
}

// billed is what a request counted against the provider's token limit:
// input and output for OpenAI's TPM, input only where output has a limit
// of its own (Anthropic's ITPM).
func (d *LLM) billed(u llm.Usage) int {
	if d.InputOnlyTokenLimit {
		return u.InputTokens
	}
	return u.Total()
}

func (d *LLM) charge(mu *sync.Mutex, u llm.Usage) {
	mu.Lock()
	defer mu.Unlock()
	d.stats.addUsage(u)
	if d.Price != nil {
		paid := d.Price(u, false)
		d.stats.CostUSD += paid
		d.stats.CacheSavedUSD += d.Price(uncached(u), false) - paid
	}
}

// Price turns a request's usage into dollars, prompt-cache reads and
// writes at their own prices.
type Price func(u llm.Usage, batch bool) float64

// EntryPrice prices usage by a model table entry.
func EntryPrice(e models.Entry) Price {
	return func(u llm.Usage, batch bool) float64 {
		return e.CostTokens(models.Tokens{Fresh: u.FreshInputTokens(), CacheRead: u.CacheReadTokens,
			CacheWrite: u.CacheWriteTokens, Output: u.OutputTokens}, batch)
	}
}

// Reported returns, by host, what its rate-limit headers showed of the
// account by the end of the run (engine.Reported), for the next run.
func (d *LLM) Reported() []engine.Reported { return d.reported }

// keepReported keeps each host's latest report that names a limit.
func (d *LLM) keepReported(hosts []engine.HostStats) {
	if len(d.reported) < len(hosts) {
		d.reported = append(d.reported, make([]engine.Reported, len(hosts)-len(d.reported))...)
	}
	for i, h := range hosts {
		if h.Reported.Known() {
			d.reported[i] = h.Reported
		}
	}
}

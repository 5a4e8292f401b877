package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// viaBatch sends reqs through the provider's batch API, settles every
// request the batch answered, and returns those it did not (failed,
// expired, or the batch itself failed) for the engine to send.
func (d *LLM) viaBatch(ctx context.Context, reqs []*Request, done func(int, decision.Decided), mu *sync.Mutex) []*Request {
	preqs := make([]prompt.Request, len(reqs))
	byID := make(map[string]*Request, len(reqs))
	for i, r := range reqs {
		preqs[i] = r.req
		byID[r.req.ConstructID] = r
	}
	keep := func(results []llm.BatchResult) error {
		if d.Cache == nil {
			return nil
		}
		for _, res := range results {
			r := byID[res.CustomID]
			if r == nil || res.Err != nil {
				continue
			}
			if _, err := decide.Parse(r.cons, res.Answer.Raw); err != nil {
				continue
			}
			u := res.Answer.Usage
			cost := 0.0
			if d.Price != nil {
				cost = d.Price(u, true)
			}
			if err := d.Cache.Put(cache.Entry{Key: r.key, Answer: res.Answer.Raw, Provider: d.Provider, Model: d.Model,
				InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, CostUSD: cost, Time: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	}
	results, err := d.Batch(ctx, preqs, keep)
	if err != nil && len(results) == 0 {
		return reqs
	}
	var rest []*Request
	for _, r := range reqs {
		res, ok := results[r.req.ConstructID]
		if !ok || res.Err != nil {
			rest = append(rest, r)
			continue
		}
		mu.Lock()
		d.stats.Requests++
		u := res.Answer.Usage
		d.stats.addUsage(u)
		if d.Price != nil {
			paid := d.Price(u, true)
			d.stats.CostUSD += paid
			d.stats.SavedUSD += d.Price(u, false) - paid
			d.stats.CacheSavedUSD += d.Price(uncached(u), true) - paid
		}
		dec, origin, note := d.settle(r, res.Answer, nil, true)
		mu.Unlock()
		done(r.job, decision.Decided{Decision: dec, Origin: origin, Note: note})
	}
	return rest
}

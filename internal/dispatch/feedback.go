package dispatch

import (
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
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

package dispatch

import (
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// classOf maps the provider layer's error kinds onto the engine's classes.
func classOf(k llm.Kind) engine.Class {
	switch k {
	case llm.RateLimited:
		return engine.RateLimited
	case llm.Overloaded:
		return engine.Overloaded
	case llm.Server, llm.Timeout, llm.Conflict, llm.Connection:
		return engine.Retryable
	case llm.Auth:
		return engine.StopAll
	case llm.Malformed:
		return engine.Invalid
	default: // quota, permission, bad request, not found, canceled
		return engine.Fatal
	}
}

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

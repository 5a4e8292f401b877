// Package llm holds the provider-neutral side of asking a language model for
// a decision: the answer, the rate-limit state a provider reports, the error
// kinds the request engine retries or gives up on, and the configuration read
// from flags and environment. The concrete clients live in openai/,
// anthropic/ and ollama/; llmtest/ holds fake servers for them.
package llm

import (
	"context"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Answer is one successful reply to a decision request.
type Answer struct {
	// Raw is the decision as JSON text, exactly as the model produced it
	// (the message content for OpenAI and Ollama, the forced tool call's
	// input for Anthropic). It is not validated here.
	Raw []byte
	// Usage is what the provider reports having counted for the request.
	Usage Usage
	// Limits is the rate-limit state read from the response headers, nil
	// when the provider sent none (Ollama, most self-hosted servers).
	Limits *Limits
	// Model is the model that answered, as the provider names it.
	Model string
	// Latency is the wall time of the request, from sending to the decoded
	// answer.
	Latency time.Duration
}

// Usage counts the tokens one request consumed.
type Usage struct {
	// InputTokens is the whole prompt's size in tokens: fresh, read from
	// the provider's prompt cache and written to it, together. Providers
	// disagree here (OpenAI's prompt_tokens includes its cached tokens,
	// Anthropic's input_tokens excludes both cache counts), so each client
	// normalises to this, the prompt size the request actually sent.
	InputTokens int
	// CacheReadTokens is the part of InputTokens the provider read from its
	// prompt cache (OpenAI cached_tokens, Anthropic
	// cache_read_input_tokens), billed at the cached-input price.
	CacheReadTokens int
	// CacheWriteTokens is the part of InputTokens written to the prompt
	// cache (Anthropic cache_creation_input_tokens), billed at the
	// cache-write price. OpenAI caches without a surcharge and reports none.
	CacheWriteTokens int
	// OutputTokens is the answer's size in tokens.
	OutputTokens int
}

// FreshInputTokens returns the input tokens billed at the plain input
// price: those neither read from nor written to the prompt cache.
func (u Usage) FreshInputTokens() int {
	return max(u.InputTokens-u.CacheReadTokens-u.CacheWriteTokens, 0)
}

// Total returns the input and output tokens together, which is what the
// token-per-minute limits of OpenAI count.
func (u Usage) Total() int { return u.InputTokens + u.OutputTokens }

// Add returns the sum of u and v, field by field.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:      u.InputTokens + v.InputTokens,
		CacheReadTokens:  u.CacheReadTokens + v.CacheReadTokens,
		CacheWriteTokens: u.CacheWriteTokens + v.CacheWriteTokens,
		OutputTokens:     u.OutputTokens + v.OutputTokens,
	}
}

// Decider asks a model for one decision. Every provider client implements
// it; its errors are always *Error.
type Decider interface {
	Decide(ctx context.Context, req prompt.Request) (Answer, error)
}

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
	// InputTokens is the prompt's size in tokens.
	InputTokens int
	// OutputTokens is the answer's size in tokens.
	OutputTokens int
}

// Total returns the input and output tokens together, which is what the
// token-per-minute limits of OpenAI count.
func (u Usage) Total() int { return u.InputTokens + u.OutputTokens }

// Decider asks a model for one decision. Every provider client implements
// it; its errors are always *Error.
type Decider interface {
	Decide(ctx context.Context, req prompt.Request) (Answer, error)
}

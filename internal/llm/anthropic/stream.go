package anthropic

import (
	"context"
	"net/http"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Anthropic sends a streamed message's headers, anthropic-ratelimit-*
// included, as the stream starts, and a prompt it caches can be read by
// other requests once the first response begins (its prompt-caching
// guide, on concurrent requests). The warm-up request the rest of a run
// waits for (see llm.WithEarlyLimits) is therefore streamed: the run
// goes on at its first token instead of its whole answer. Every other
// request is sent whole.

// decideStreamed sends params as a streamed message, reports the headers
// to early as soon as they arrive, and assembles the message from its
// events with the SDK's accumulator.
func (c *Client) decideStreamed(parent, rctx context.Context, req prompt.Request, params sdk.MessageNewParams, early func(*llm.Limits)) (llm.Answer, error) {
	start := time.Now()
	var resp *http.Response
	stream := c.sdk.Messages.NewStreaming(rctx, params, option.WithResponseInto(&resp))
	defer stream.Close()
	var limits *llm.Limits
	if resp != nil {
		limits = llm.AnthropicLimits(resp.Header, time.Now())
	}
	if err := stream.Err(); err != nil {
		return llm.Answer{}, c.classify(parent, rctx, err, resp, limits)
	}
	if limits != nil {
		early(limits)
	}
	var msg sdk.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			return llm.Answer{}, c.classify(parent, rctx, err, resp, limits)
		}
	}
	if err := stream.Err(); err != nil {
		return llm.Answer{}, c.classify(parent, rctx, err, resp, limits)
	}
	return c.answer(&msg, req.SchemaName, int(params.MaxTokens), limits, time.Since(start))
}

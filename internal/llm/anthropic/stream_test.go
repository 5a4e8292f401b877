package anthropic

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestEarlyLimitsStreamTheMessage: asked for the headers early, the client
// streams the message, hands the rate limits over at message_start, and
// assembles the same tool call and usage as a whole message; a text
// answer without the tool call is malformed either way, and a 429 is the
// same rate limit.
func TestEarlyLimitsStreamTheMessage(t *testing.T) {
	const decision = `{"skip":false,"reason":"","name":"app.store.save.loop2","attributes":["ünïcode"],"record_exceptions":false,"count_iterations":true,"record_value":false,"sensitive":false}`
	const writing = 300 * time.Millisecond
	srv := llmtest.NewAnthropic(t, llmtest.Sequence(
		llmtest.Reply{Decision: decision, Delay: writing, InputTokens: 1200, OutputTokens: 80},
		llmtest.Reply{Content: "I would add a span."},
		llmtest.RateLimited("3"),
	))
	c := newClient(t, srv, 5*time.Second)
	llmtest.CheckStreamed(t, func(ctx context.Context) (llm.Answer, error) { return c.Decide(ctx, request()) },
		llmtest.Streamed{Decision: decision, InputTokens: 1200, OutputTokens: 80, RequestLimit: 1000, Writing: writing})
	ctx := llm.WithEarlyLimits(context.Background(), func(*llm.Limits) {})
	if !strings.Contains(string(srv.Requests()[0].Body), `"stream":true`) {
		t.Error("the request asked for no stream")
	}
	if _, err := c.Decide(ctx, request()); llm.KindOf(err) != llm.Malformed {
		t.Errorf("a streamed text answer without the tool call: %v (%v), want malformed", err, llm.KindOf(err))
	}
	if _, err := c.Decide(ctx, request()); llm.KindOf(err) != llm.RateLimited {
		t.Errorf("429 to a stream request: %v (%v), want a rate limit", err, llm.KindOf(err))
	}
}

// TestRefusedStreamAskedWhole: a server that takes a request but not its
// stream is asked again whole, and not asked to stream again.
func TestRefusedStreamAskedWhole(t *testing.T) {
	srv := llmtest.NewAnthropic(t, llmtest.RefusingStreams(llmtest.Echo()))
	c := newClient(t, srv, 5*time.Second)
	llmtest.CheckStreamRefused(t, srv, func(ctx context.Context) (llm.Answer, error) { return c.Decide(ctx, request()) })
}

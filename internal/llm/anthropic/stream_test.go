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
	start := time.Now()
	var heard time.Duration
	var limits *llm.Limits
	ctx := llm.WithEarlyLimits(context.Background(), func(l *llm.Limits) { heard, limits = time.Since(start), l })
	ans, err := c.Decide(ctx, request())
	if err != nil {
		t.Fatal(err)
	}
	whole := time.Since(start)
	if string(ans.Raw) != decision {
		t.Errorf("streamed answer %s, want %s", ans.Raw, decision)
	}
	if ans.Usage.InputTokens != 1200 || ans.Usage.OutputTokens != 80 {
		t.Errorf("usage %+v, want 1200 in (with the cache) and 80 out", ans.Usage)
	}
	if limits == nil || limits.Requests == nil || limits.Requests.Limit != 1000 || ans.Limits == nil {
		t.Fatalf("early limits %+v, answer's %+v: want the anthropic-ratelimit headers in both", limits, ans.Limits)
	}
	if heard <= 0 || heard > whole-writing/2 {
		t.Errorf("headers heard after %v of %v: want them at message_start, before the answer is written", heard, whole)
	}
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

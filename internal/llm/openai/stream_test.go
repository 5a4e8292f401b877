package openai

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestEarlyLimitsStreamTheAnswer: asked for the headers early, the client
// streams the answer (usage included), hands the rate limits over as the
// stream starts, and assembles the same answer as a whole response.
func TestEarlyLimitsStreamTheAnswer(t *testing.T) {
	const decision = `{"skip":false,"reason":"","name":"app.store.save","attributes":["ünïcode"],"record_exceptions":true,"count_iterations":false,"record_value":false,"sensitive":false}`
	const writing = 300 * time.Millisecond
	srv := llmtest.NewOpenAI(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Decision: decision, Delay: writing, InputTokens: 900, OutputTokens: 60}
	})
	c := newClient(t, srv, llm.OpenAI)
	llmtest.CheckStreamed(t, func(ctx context.Context) (llm.Answer, error) { return c.Decide(ctx, request()) },
		llmtest.Streamed{Decision: decision, InputTokens: 900, OutputTokens: 60, RequestLimit: 10000, Writing: writing})
	body := string(srv.Requests()[0].Body)
	if !strings.HasSuffix(body, `,"stream":true,"stream_options":{"include_usage":true}}`) {
		t.Errorf("body does not ask for a stream with usage: …%s", body[max(0, len(body)-80):])
	}

	// Without the request for early headers the answer comes whole.
	if _, err := c.Decide(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	if body := string(srv.Requests()[1].Body); strings.Contains(body, `"stream"`) {
		t.Errorf("a request not asked for early headers streams: …%s", body[max(0, len(body)-80):])
	}
}

// TestStreamRequestAnsweredWhole: a server that ignores "stream" and
// answers with one JSON body is read as that body; an error status is
// the same error as without streaming; a stream broken by an error event
// is a malformed answer, asked again like one.
func TestStreamRequestAnsweredWhole(t *testing.T) {
	const decision = `{"skip":true,"reason":"trivial","name":"","attributes":[],"record_exceptions":false,"count_iterations":false,"record_value":false,"sensitive":false}`
	early := llm.WithEarlyLimits(context.Background(), func(*llm.Limits) {})
	whole := llmtest.NewOpenAI(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Body: `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":` + quote(decision) + `}}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`,
			Header: map[string][]string{"Content-Type": {"application/json"}}}
	})
	ans, err := newClient(t, whole, llm.OpenAI).Decide(early, request())
	if err != nil || string(ans.Raw) != decision {
		t.Fatalf("whole answer to a stream request: %s, %v", ans.Raw, err)
	}

	limited := llmtest.NewOpenAI(t, llmtest.Sequence(llmtest.RateLimited("2")))
	if _, err := newClient(t, limited, llm.OpenAI).Decide(early, request()); llm.KindOf(err) != llm.RateLimited {
		t.Fatalf("429 to a stream request: %v (%v), want a rate limit", err, llm.KindOf(err))
	}

	broken := llmtest.NewOpenAI(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.Reply{Body: "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n",
			Header: map[string][]string{"Content-Type": {"text/event-stream"}}}
	})
	if _, err := newClient(t, broken, llm.OpenAI).Decide(early, request()); llm.KindOf(err) != llm.Malformed {
		t.Fatalf("a stream ended by an error event: %v (%v), want a malformed answer", err, llm.KindOf(err))
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestRefusedStreamAskedWhole: a server that takes a request but not its
// stream is asked again whole, and not asked to stream again.
func TestRefusedStreamAskedWhole(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.RefusingStreams(llmtest.Echo()))
	c := newClient(t, srv, llm.OpenAI)
	llmtest.CheckStreamRefused(t, srv, func(ctx context.Context) (llm.Answer, error) { return c.Decide(ctx, request()) })
}

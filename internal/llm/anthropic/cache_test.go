package anthropic

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestPromptCaching sends two requests that share the static prefix: the
// first writes it to the (fake) prompt cache, the second reads it, and
// both report the same whole prompt size, so totals stay comparable.
func TestPromptCaching(t *testing.T) {
	s := llmtest.NewAnthropic(t, llmtest.Echo())
	c, err := New(llm.Config{Provider: llm.Anthropic, BaseURL: s.URL(), Model: "claude-sonnet-4-5", APIKey: testKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var usages []llm.Usage
	for range 2 {
		ans, err := c.Decide(context.Background(), request())
		if err != nil {
			t.Fatal(err)
		}
		usages = append(usages, ans.Usage)
	}
	first, second := usages[0], usages[1]
	if first.CacheWriteTokens < 1024 || first.CacheReadTokens != 0 {
		t.Errorf("first request: %+v, want the prefix written to the cache", first)
	}
	if second.CacheReadTokens != first.CacheWriteTokens || second.CacheWriteTokens != 0 {
		t.Errorf("second request: %+v, want the prefix (%d tokens) read from the cache", second, first.CacheWriteTokens)
	}
	if first.InputTokens != second.InputTokens || second.FreshInputTokens() <= 0 || second.FreshInputTokens() >= second.InputTokens {
		t.Errorf("input tokens %d then %d (fresh %d): want the same whole prompt, mostly cached", first.InputTokens, second.InputTokens, second.FreshInputTokens())
	}

	// The mark sits on the system block: the API renders tools first, so
	// it caches the schema's tool definition and the instructions.
	var body struct {
		System []struct {
			Text         string `json:"text"`
			CacheControl struct {
				Type string `json:"type"`
			} `json:"cache_control"`
		} `json:"system"`
	}
	reqs := s.Requests()
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.System) != 1 || body.System[0].CacheControl.Type != "ephemeral" {
		t.Errorf("system = %+v, want one block marked ephemeral", body.System)
	}
	if reqs[0].Prefix != reqs[1].Prefix || !reqs[1].PrefixCached {
		t.Error("the two requests' cached prefixes differ")
	}
}

// TestRequestsAreByteIdentical: the cache matches prefixes byte for byte,
// so the same request must always be the same bytes; the SDK once wrote
// the schema's extra keywords in map order, different each time.
func TestRequestsAreByteIdentical(t *testing.T) {
	s := llmtest.NewAnthropic(t, llmtest.Echo())
	c := newClient(t, s, 5*time.Second)
	for range 20 {
		if _, err := c.Decide(context.Background(), request()); err != nil {
			t.Fatal(err)
		}
	}
	reqs := s.Requests()
	for _, r := range reqs[1:] {
		if string(r.Body) != string(reqs[0].Body) {
			t.Fatalf("request %d differs from request 1:\n%s\n%s", r.N, r.Body, reqs[0].Body)
		}
	}
	var body struct {
		Tools []struct {
			InputSchema map[string]any `json:"input_schema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil || len(body.Tools) != 1 || body.Tools[0].InputSchema["additionalProperties"] != false {
		t.Errorf("tool input schema lost its keywords: %s (%v)", reqs[0].Body, err)
	}
}

// TestPromptCachingBelowMinimum: Haiku 4.5 caches nothing shorter than
// 4096 tokens, and the prompt prefix is shorter, so nothing is read or
// written and every token is billed fresh; the client must not invent
// cache counts the API did not report.
func TestPromptCachingBelowMinimum(t *testing.T) {
	s := llmtest.NewAnthropic(t, llmtest.Echo())
	c := newClient(t, s, 5*time.Second) // claude-haiku-4-5
	for range 2 {
		ans, err := c.Decide(context.Background(), request())
		if err != nil {
			t.Fatal(err)
		}
		if u := ans.Usage; u.CacheReadTokens != 0 || u.CacheWriteTokens != 0 || u.FreshInputTokens() != u.InputTokens {
			t.Errorf("usage %+v, want nothing cached below the 4096-token minimum", u)
		}
	}
}

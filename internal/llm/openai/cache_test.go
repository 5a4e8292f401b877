package openai

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestPromptCaching: OpenAI caches a repeated prefix of 1024 tokens or
// more by itself and reports it in prompt_tokens_details.cached_tokens,
// which prompt_tokens already includes; the client keeps that meaning and
// sends a prompt_cache_key that is the same for the same prefix.
func TestPromptCaching(t *testing.T) {
	s := llmtest.NewOpenAI(t, llmtest.Echo())
	c := newClient(t, s, llm.OpenAI)
	var usages []llm.Usage
	for range 2 {
		ans, err := c.Decide(context.Background(), request())
		if err != nil {
			t.Fatal(err)
		}
		usages = append(usages, ans.Usage)
	}
	if u := usages[0]; u.CacheReadTokens != 0 || u.CacheWriteTokens != 0 {
		t.Errorf("first request: %+v, want nothing cached yet", u)
	}
	u := usages[1]
	if u.CacheReadTokens < 1024 || u.CacheReadTokens%128 != 0 || u.CacheWriteTokens != 0 || u.InputTokens != usages[0].InputTokens {
		t.Errorf("second request: %+v, want at least 1024 cached tokens in 128-token steps, within the same prompt size %d", u, usages[0].InputTokens)
	}
	keys := map[string]bool{}
	for _, r := range s.Requests() {
		var body struct {
			Key string `json:"prompt_cache_key"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		keys[body.Key] = true
	}
	if want := CacheKey(request()); len(keys) != 1 || !keys[want] {
		t.Errorf("prompt_cache_key values %v, want only %q", keys, want)
	}

	// A different prefix (another schema) gets another key.
	other := request()
	other.Schema = []byte(`{"type":"object","properties":{},"required":[],"additionalProperties":false}`)
	if CacheKey(other) == CacheKey(request()) {
		t.Error("a different schema has the same prompt_cache_key")
	}
}

// TestCompatibleServerGetsNoCacheKey: prompt_cache_key is OpenAI's own
// field; a strict compatible server could reject it.
func TestCompatibleServerGetsNoCacheKey(t *testing.T) {
	s := llmtest.NewOpenAI(t, llmtest.Echo())
	if _, err := newClient(t, s, llm.OpenAICompatible).Decide(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(s.Requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if _, ok := body["prompt_cache_key"]; ok {
		t.Errorf("compatible server was sent prompt_cache_key: %s", s.Requests()[0].Body)
	}
}

package llm

import (
	"net/http"
	"testing"
	"time"
)

func TestOpenAILimits(t *testing.T) {
	h := http.Header{}
	h.Set("x-ratelimit-limit-requests", "10000")
	h.Set("x-ratelimit-remaining-requests", "9999")
	h.Set("x-ratelimit-reset-requests", "6ms")
	h.Set("x-ratelimit-limit-tokens", "2000000")
	h.Set("x-ratelimit-remaining-tokens", "1999100")
	h.Set("x-ratelimit-reset-tokens", "6m0s")
	l := OpenAILimits(h)
	if l == nil || l.Requests == nil || l.Tokens == nil {
		t.Fatalf("OpenAILimits = %+v", l)
	}
	if *l.Requests != (Bucket{10000, 9999, 6 * time.Millisecond}) {
		t.Errorf("requests = %+v", *l.Requests)
	}
	if *l.Tokens != (Bucket{2000000, 1999100, 6 * time.Minute}) {
		t.Errorf("tokens = %+v", *l.Tokens)
	}
	if l.InputTokens != nil || l.OutputTokens != nil {
		t.Errorf("OpenAI has no input/output buckets: %+v", l)
	}
	if OpenAILimits(http.Header{"Content-Type": {"application/json"}}) != nil {
		t.Error("no rate-limit headers must give nil")
	}
	partial := http.Header{}
	partial.Set("x-ratelimit-remaining-tokens", "0")
	l = OpenAILimits(partial)
	if l == nil || l.Tokens == nil || *l.Tokens != (Bucket{-1, 0, -1}) || l.Requests != nil {
		t.Errorf("partial = %+v", l)
	}
}

func TestAnthropicLimits(t *testing.T) {
	now := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set("anthropic-ratelimit-requests-limit", "50")
	h.Set("anthropic-ratelimit-requests-remaining", "49")
	h.Set("anthropic-ratelimit-requests-reset", "2026-11-29T04:00:01Z")
	h.Set("anthropic-ratelimit-tokens-limit", "90000")
	h.Set("anthropic-ratelimit-tokens-remaining", "89000")
	h.Set("anthropic-ratelimit-tokens-reset", "2026-11-29T04:00:30Z")
	h.Set("anthropic-ratelimit-input-tokens-limit", "50000")
	h.Set("anthropic-ratelimit-input-tokens-remaining", "49500")
	h.Set("anthropic-ratelimit-input-tokens-reset", "2026-11-29T04:00:00.5Z")
	h.Set("anthropic-ratelimit-output-tokens-limit", "10000")
	h.Set("anthropic-ratelimit-output-tokens-remaining", "9990")
	h.Set("anthropic-ratelimit-output-tokens-reset", "2026-11-29T03:59:00Z") // in the past: now
	l := AnthropicLimits(h, now)
	if l == nil {
		t.Fatal("nil limits")
	}
	want := map[string]Bucket{
		"requests": {50, 49, time.Second},
		"tokens":   {90000, 89000, 30 * time.Second},
		"input":    {50000, 49500, 500 * time.Millisecond},
		"output":   {10000, 9990, 0},
	}
	got := map[string]*Bucket{"requests": l.Requests, "tokens": l.Tokens, "input": l.InputTokens, "output": l.OutputTokens}
	for k, w := range want {
		if got[k] == nil || *got[k] != w {
			t.Errorf("%s = %+v, want %+v", k, got[k], w)
		}
	}
	if AnthropicLimits(http.Header{}, now) != nil {
		t.Error("no headers must give nil")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		h    map[string]string
		want time.Duration
	}{
		{"seconds", map[string]string{"retry-after": "20"}, 20 * time.Second},
		{"fractional seconds", map[string]string{"retry-after": "1.5"}, 1500 * time.Millisecond},
		{"http date", map[string]string{"retry-after": "Sun, 29 Nov 2026 04:00:07 GMT"}, 7 * time.Second},
		{"date in the past", map[string]string{"retry-after": "Sun, 29 Nov 2026 03:00:00 GMT"}, 0},
		{"ms wins", map[string]string{"retry-after": "1", "retry-after-ms": "250"}, 250 * time.Millisecond},
		{"bad ms falls back", map[string]string{"retry-after": "2", "retry-after-ms": "x"}, 2 * time.Second},
		{"garbage", map[string]string{"retry-after": "later"}, 0},
		{"negative", map[string]string{"retry-after": "-3"}, 0},
		{"none", nil, 0},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := RetryAfter(h, now); got != tc.want {
			t.Errorf("%s: RetryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
}

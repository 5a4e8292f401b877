package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

const testKey = "sk-proj-TESTKEYabcdef0123456789SECRET"

func request() prompt.Request {
	return prompt.Request{
		ConstructID: "app/store.py#function#app.store.save#0",
		System:      prompt.System(),
		User:        "Decide the telemetry for the construct below.\n\nFile: app/store.py\nKind: function\nName: save\nQualified name: app.store.save\n",
		SchemaName:  prompt.SchemaName,
		Schema:      prompt.Schema(),
		MaxTokens:   512,
	}
}

func newClient(t *testing.T, s *llmtest.Server, provider string) *Client {
	t.Helper()
	c, err := New(llm.Config{Provider: provider, BaseURL: s.URL(), Model: "gpt-4.1-mini", APIKey: testKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecideSuccess(t *testing.T) {
	const decision = `{"skip":false,"reason":"","name":"app.store.save","attributes":[],"record_exceptions":true,"count_iterations":false,"record_value":false,"sensitive":false}`
	s := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Reply{Decision: decision, InputTokens: 321, OutputTokens: 45}))
	ans, err := newClient(t, s, llm.OpenAI).Decide(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if string(ans.Raw) != decision {
		t.Errorf("Raw = %s", ans.Raw)
	}
	if ans.Usage != (llm.Usage{InputTokens: 321, OutputTokens: 45}) {
		t.Errorf("Usage = %+v", ans.Usage)
	}
	if ans.Model != "gpt-4.1-mini-2025-04-14" || ans.Latency <= 0 {
		t.Errorf("Model %q Latency %v", ans.Model, ans.Latency)
	}
	if ans.Limits == nil || ans.Limits.Requests == nil || ans.Limits.Requests.Limit != 10000 || ans.Limits.Requests.Remaining != 9999 ||
		ans.Limits.Tokens == nil || ans.Limits.Tokens.Reset != 30*time.Millisecond {
		t.Errorf("Limits = %+v", ans.Limits)
	}

	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("path %s auth %q", r.Path, r.Header.Get("Authorization"))
	}
	if r.Model != "gpt-4.1-mini" || r.System != prompt.System() || r.User != request().User {
		t.Errorf("request model %q system %.30q user %.30q", r.Model, r.System, r.User)
	}
	var body struct {
		MaxCompletionTokens int `json:"max_completion_tokens"`
		MaxTokens           int `json:"max_tokens"`
		ResponseFormat      struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string          `json:"name"`
				Strict bool            `json:"strict"`
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
		Messages []struct{ Role string } `json:"messages"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	rf := body.ResponseFormat
	if rf.Type != "json_schema" || rf.JSONSchema.Name != prompt.SchemaName || !rf.JSONSchema.Strict || !jsonEqual(t, rf.JSONSchema.Schema, prompt.Schema()) {
		t.Errorf("response_format = %+v", rf)
	}
	if body.MaxCompletionTokens != 512 || body.MaxTokens != 0 {
		t.Errorf("max_completion_tokens %d max_tokens %d", body.MaxCompletionTokens, body.MaxTokens)
	}
	if len(body.Messages) != 2 || body.Messages[0].Role != "system" || body.Messages[1].Role != "user" {
		t.Errorf("messages = %+v", body.Messages)
	}
}

func TestCompatibleServer(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-real-key-that-must-stay-home-0000")
	s := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Answer("```json\n{\"name\":\"x\"}\n```")))
	c, err := New(llm.Config{Provider: llm.OpenAICompatible, BaseURL: s.URL(), Model: "qwen2.5-coder"})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := c.Decide(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	if string(ans.Raw) != `{"name":"x"}` {
		t.Errorf("fenced answer not unwrapped: %s", ans.Raw)
	}
	r := s.Requests()[0]
	if auth := r.Header.Get("Authorization"); strings.Contains(auth, "real-key") {
		t.Errorf("environment key sent to a compatible server: %q", auth)
	}
	var body map[string]any
	json.Unmarshal(r.Body, &body)
	if body["max_tokens"] != float64(512) || body["max_completion_tokens"] != nil {
		t.Errorf("compatible server should get max_tokens: %v / %v", body["max_tokens"], body["max_completion_tokens"])
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		reply      llmtest.Reply
		kind       llm.Kind
		code       string
		retryAfter time.Duration
	}{
		{"rate limit with retry-after", llmtest.RateLimited("20"), llm.RateLimited, "rate_limit_exceeded", 20 * time.Second},
		{"rate limit with retry-after-ms", llmtest.Reply{Status: 429, RetryAfter: "1", RetryAfterMS: "1500"}, llm.RateLimited, "rate_limit_exceeded", 1500 * time.Millisecond},
		{"insufficient quota", llmtest.QuotaExceeded(), llm.Quota, "insufficient_quota", 0},
		{"invalid key", llmtest.Fail(401), llm.Auth, "invalid_api_key", 0},
		{"forbidden", llmtest.Fail(403), llm.Permission, "unsupported_country_region_territory", 0},
		{"unknown model", llmtest.Fail(404), llm.NotFound, "model_not_found", 0},
		{"timeout status", llmtest.Fail(408), llm.Timeout, "", 0},
		{"conflict", llmtest.Fail(409), llm.Conflict, "", 0},
		{"bad schema", llmtest.Fail(400), llm.BadRequest, "", 0},
		{"too large", llmtest.Fail(413), llm.TooLong, "", 0},
		{"context too long", llmtest.Reply{Status: 400, Code: "context_length_exceeded", Type: "invalid_request_error",
			Message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130112 tokens. Please reduce the length of the messages."},
			llm.TooLong, "context_length_exceeded", 0},
		{"server error", llmtest.Fail(500), llm.Server, "", 0},
		{"overloaded", llmtest.Overloaded(), llm.Overloaded, "", 0},
		{"proxy html", llmtest.Reply{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}, llm.Server, "", 0},
		{"vllm error shape", llmtest.Reply{Status: 404, Body: `{"object":"error","message":"The model ` + "`gpt-4.1-mini`" + ` does not exist.","type":"NotFoundError","param":null,"code":404}`, Header: http.Header{"Content-Type": {"application/json"}}}, llm.NotFound, "", 0},
		{"llama.cpp error shape", llmtest.Reply{Status: 503, Body: `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`, Header: http.Header{"Content-Type": {"application/json"}}}, llm.Overloaded, "", 0},
		{"malformed content", llmtest.Malformed("I think the span should be called save."), llm.Malformed, "", 0},
		{"empty content", llmtest.Malformed(" "), llm.Malformed, "", 0},
		{"truncated", llmtest.Reply{Decision: `{"name":"a`, Truncated: true}, llm.Malformed, "", 0},
		{"broken body", llmtest.Reply{Body: `{"id":"chatcmpl-1","choices":[`, Header: http.Header{"Content-Type": {"application/json"}}}, llm.Malformed, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := llmtest.NewOpenAI(t, llmtest.Always(tc.reply))
			_, err := newClient(t, s, llm.OpenAI).Decide(context.Background(), request())
			var e *llm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *llm.Error", err, err)
			}
			if e.Kind != tc.kind || e.Code != tc.code || e.RetryAfter != tc.retryAfter {
				t.Errorf("got kind %v code %q retry-after %v (%v); want %v %q %v", e.Kind, e.Code, e.RetryAfter, e, tc.kind, tc.code, tc.retryAfter)
			}
			if e.Provider != llm.OpenAI {
				t.Errorf("provider %q", e.Provider)
			}
			if tc.reply.Body == "" && tc.kind != llm.Malformed && (e.Limits == nil || e.Limits.Requests == nil) {
				t.Errorf("limits not read from the error response: %+v", e.Limits)
			}
			if strings.Contains(err.Error(), "TESTKEY") || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "sk-") {
				t.Errorf("key in error: %v", err)
			}
			if n := s.Count(); n != 1 {
				t.Errorf("%d requests for one call: SDK retries are on", n)
			}
		})
	}
}

func TestHangReturnsOnDeadline(t *testing.T) {
	s := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Hang()))
	c := newClient(t, s, llm.OpenAI)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Decide(ctx, request())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("returned after %v", took)
	}
	if llm.KindOf(err) != llm.Timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, kind %v", err, llm.KindOf(err))
	}

	// The client's own per-request timeout, with a caller context that
	// never ends.
	c2, _ := New(llm.Config{Provider: llm.OpenAI, BaseURL: s.URL(), APIKey: testKey, Timeout: 150 * time.Millisecond})
	if _, err := c2.Decide(context.Background(), request()); llm.KindOf(err) != llm.Timeout {
		t.Errorf("per-request timeout: %v", err)
	}

	ctx3, cancel3 := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel3)
	if _, err := c.Decide(ctx3, request()); llm.KindOf(err) != llm.Canceled || !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	c, err := New(llm.Config{Provider: llm.OpenAI, BaseURL: "http://127.0.0.1:1/v1", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Decide(context.Background(), request())
	if llm.KindOf(err) != llm.Connection || strings.Contains(err.Error(), "TESTKEY") {
		t.Errorf("err = %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	if _, err := New(llm.Config{Provider: llm.OpenAI}); err == nil {
		t.Error("openai without a key accepted")
	}
	if _, err := New(llm.Config{Provider: llm.Anthropic, APIKey: "k"}); err == nil {
		t.Error("anthropic config accepted by the openai client")
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func TestDefaultsFromEmptyProvider(t *testing.T) {
	s := llmtest.NewOpenAI(t, llmtest.Echo())
	c, err := New(llm.Config{BaseURL: s.URL(), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decide(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	if m := s.Requests()[0].Model; m != llm.DefaultOpenAIModel {
		t.Errorf("model %q, want the default", m)
	}
}

// BenchmarkDecideParallel measures the client's own cost per decision
// against the loopback fake (SDK, JSON both ways, header parsing).
func BenchmarkDecideParallel(b *testing.B) {
	s := llmtest.NewOpenAI(b, llmtest.Echo())
	c, err := New(llm.Config{Provider: llm.OpenAI, BaseURL: s.URL(), APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Decide(context.Background(), request()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

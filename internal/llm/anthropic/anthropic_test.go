package anthropic

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

const testKey = "sk-ant-api03-TESTKEYabcdef0123456789SECRET"

func request() prompt.Request {
	return prompt.Request{
		System:     prompt.System(),
		User:       "File: app/store.py\nKind: loop\nName: for\nEnclosing function qualified name: app.store.save\nOrdinal among the loops of the same function: 2 (first is 1)\n",
		SchemaName: prompt.SchemaName,
		Schema:     prompt.Schema(),
		MaxTokens:  512,
	}
}

func newClient(t *testing.T, s *llmtest.Server, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(llm.Config{Provider: llm.Anthropic, BaseURL: s.URL(), Model: "claude-haiku-4-5", APIKey: testKey, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecideSuccess(t *testing.T) {
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1") // must not win over the config
	s := llmtest.NewAnthropic(t, llmtest.Echo())
	ans, err := newClient(t, s, 5*time.Second).Decide(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Name            string `json:"name"`
		CountIterations bool   `json:"count_iterations"`
	}
	if err := json.Unmarshal(ans.Raw, &d); err != nil || d.Name != "llm.app.store.save.loop2" || !d.CountIterations {
		t.Errorf("Raw = %s (%v)", ans.Raw, err)
	}
	if ans.Usage.InputTokens <= 0 || ans.Usage.OutputTokens <= 0 || ans.Model != "claude-haiku-4-5" {
		t.Errorf("usage %+v model %q", ans.Usage, ans.Model)
	}
	l := ans.Limits
	if l == nil || l.Requests == nil || l.Requests.Limit != 1000 || l.Requests.Remaining != 999 ||
		l.InputTokens == nil || l.InputTokens.Limit != 450000 || l.OutputTokens == nil || l.OutputTokens.Remaining != 89900 ||
		l.Tokens == nil || l.Requests.Reset < 0 || l.Requests.Reset > 2*time.Second {
		t.Errorf("limits = %+v", l)
	}

	r := s.Requests()[0]
	// SDK v2 sends the key as a bearer token; older clients used x-api-key.
	keySent := r.Header.Get("X-Api-Key") == testKey || r.Header.Get("Authorization") == "Bearer "+testKey
	if r.Path != "/v1/messages" || !keySent || r.Header.Get("Anthropic-Version") == "" {
		t.Errorf("path %s headers %v", r.Path, r.Header)
	}
	var body struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
		System    []struct{ Text string }
		Tools     []struct {
			Name        string          `json:"name"`
			InputSchema json.RawMessage `json:"input_schema"`
		} `json:"tools"`
		ToolChoice struct {
			Type                   string `json:"type"`
			Name                   string `json:"name"`
			DisableParallelToolUse bool   `json:"disable_parallel_tool_use"`
		} `json:"tool_choice"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Model != "claude-haiku-4-5" || body.MaxTokens != 512 || len(body.System) != 1 || body.System[0].Text != prompt.System() {
		t.Errorf("body model %q max %d system %d", body.Model, body.MaxTokens, len(body.System))
	}
	if len(body.Tools) != 1 || body.Tools[0].Name != prompt.SchemaName || !jsonEqual(body.Tools[0].InputSchema, prompt.Schema()) {
		t.Errorf("tools = %s", r.Body)
	}
	if body.ToolChoice.Type != "tool" || body.ToolChoice.Name != prompt.SchemaName || !body.ToolChoice.DisableParallelToolUse {
		t.Errorf("tool_choice = %+v", body.ToolChoice)
	}
	if r.User != request().User {
		t.Errorf("user = %q", r.User)
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		reply      llmtest.Reply
		kind       llm.Kind
		typ        string
		retryAfter time.Duration
	}{
		{"rate limit", llmtest.RateLimited("7"), llm.RateLimited, "rate_limit_error", 7 * time.Second},
		{"overloaded 529", llmtest.Overloaded(), llm.Overloaded, "overloaded_error", 0},
		{"api error", llmtest.Fail(500), llm.Server, "api_error", 0},
		{"timeout error 504", llmtest.Fail(504), llm.Server, "timeout_error", 0},
		{"authentication", llmtest.Fail(401), llm.Auth, "authentication_error", 0},
		{"permission", llmtest.Fail(403), llm.Permission, "permission_error", 0},
		{"not found", llmtest.Fail(404), llm.NotFound, "not_found_error", 0},
		{"invalid request", llmtest.Fail(400), llm.BadRequest, "invalid_request_error", 0},
		{"request too large", llmtest.Fail(413), llm.TooLong, "request_too_large", 0},
		{"prompt too long", llmtest.Reply{Status: 400, Message: "prompt is too long: 210512 tokens > 200000 maximum"}, llm.TooLong, "invalid_request_error", 0},
		{"credit balance", llmtest.QuotaExceeded(), llm.Quota, "invalid_request_error", 0},
		{"billing error", llmtest.Reply{Status: 402, Type: "billing_error", Message: "billing issue"}, llm.Quota, "billing_error", 0},
		{"text instead of tool call", llmtest.Malformed("I would call it save."), llm.Malformed, "", 0},
		{"cut off", llmtest.Reply{Decision: `{"name":"a"}`, Truncated: true}, llm.Malformed, "", 0},
		{"tool input not an object", llmtest.Answer(`not json`), llm.Malformed, "", 0},
		{"proxy html", llmtest.Reply{Status: 502, Body: "<html>Bad Gateway</html>"}, llm.Server, "", 0},
		{"broken json body", llmtest.Reply{Body: `{"id":"msg_1","content":[`, Header: http.Header{"Content-Type": {"application/json"}}}, llm.Malformed, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := llmtest.NewAnthropic(t, llmtest.Always(tc.reply))
			_, err := newClient(t, s, 5*time.Second).Decide(context.Background(), request())
			var e *llm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *llm.Error", err, err)
			}
			if e.Kind != tc.kind || e.Type != tc.typ || e.RetryAfter != tc.retryAfter {
				t.Errorf("got %v type %q retry-after %v (%v); want %v %q %v", e.Kind, e.Type, e.RetryAfter, e, tc.kind, tc.typ, tc.retryAfter)
			}
			if tc.reply.Body == "" && (e.Limits == nil || e.Limits.Requests == nil) {
				t.Errorf("limits not read: %+v", e.Limits)
			}
			if tc.reply.Status >= 400 && tc.reply.Body == "" && e.RequestID == "" {
				t.Error("request id not read")
			}
			if strings.Contains(err.Error(), "TESTKEY") || strings.Contains(err.Error(), "sk-ant") {
				t.Errorf("key in error: %v", err)
			}
			if n := s.Count(); n != 1 {
				t.Errorf("%d requests for one call: SDK retries are on", n)
			}
		})
	}
}

func TestHangReturnsOnDeadline(t *testing.T) {
	s := llmtest.NewAnthropic(t, llmtest.Always(llmtest.Hang()))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newClient(t, s, time.Minute).Decide(ctx, request())
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("returned after %v", took)
	}
	if llm.KindOf(err) != llm.Timeout {
		t.Errorf("err = %v", err)
	}
	if _, err := newClient(t, s, 150*time.Millisecond).Decide(context.Background(), request()); llm.KindOf(err) != llm.Timeout {
		t.Errorf("per-request timeout: %v", err)
	}
	if s.Count() != 2 {
		t.Errorf("%d requests", s.Count())
	}
}

func TestNewRejects(t *testing.T) {
	t.Setenv("ANTHROPIC_API_KEY", "from-env-must-be-ignored")
	if _, err := New(llm.Config{Provider: llm.Anthropic}); err == nil {
		t.Error("no key accepted (the SDK must not read the environment)")
	}
	if _, err := New(llm.Config{Provider: llm.OpenAI, APIKey: "k"}); err == nil {
		t.Error("openai config accepted")
	}
	if _, err := inputSchema([]byte(`{"type":"array"}`)); err == nil {
		t.Error("array schema accepted as tool input")
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

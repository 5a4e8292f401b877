package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

func request() prompt.Request {
	return prompt.Request{
		System:     prompt.System(),
		User:       "File: app.py\nKind: variable\nName: total\nEnclosing function qualified name: none (module level)\n",
		SchemaName: prompt.SchemaName,
		Schema:     prompt.Schema(),
		MaxTokens:  256,
	}
}

func newClient(t *testing.T, s *llmtest.Server, model string, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(llm.Config{Provider: llm.Ollama, BaseURL: s.URL(), Model: model, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecideSuccess(t *testing.T) {
	s := llmtest.NewOllama(t, llmtest.Echo())
	ans, err := newClient(t, s, "llama3.2", 5*time.Second).Decide(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Name string }
	if err := json.Unmarshal(ans.Raw, &d); err != nil || d.Name != "llm.module.total" {
		t.Errorf("Raw = %s", ans.Raw)
	}
	if ans.Usage.InputTokens <= 0 || ans.Usage.OutputTokens <= 0 || ans.Model != "llama3.2" || ans.Limits != nil {
		t.Errorf("answer %+v", ans)
	}
	r := s.Requests()[0]
	var body struct {
		Model    string          `json:"model"`
		Stream   *bool           `json:"stream"`
		Format   json.RawMessage `json:"format"`
		Options  map[string]any  `json:"options"`
		Messages []struct{ Role, Content string }
		// keep_alive keeps the model, and so its KV cache of the shared
		// system prompt, loaded between the requests of a run.
		KeepAlive json.RawMessage `json:"keep_alive"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if string(body.KeepAlive) != `"30m0s"` && string(body.KeepAlive) != "1800" {
		t.Errorf("keep_alive = %s, want 30 minutes", body.KeepAlive)
	}
	if r.Path != "/api/chat" || body.Model != "llama3.2" || body.Stream == nil || *body.Stream {
		t.Errorf("path %s model %q stream %v", r.Path, body.Model, body.Stream)
	}
	if string(body.Format) != string(prompt.Schema()) && !sameJSON(body.Format, prompt.Schema()) {
		t.Errorf("format = %s", body.Format)
	}
	if body.Options["num_predict"] != float64(256) || body.Options["temperature"] != float64(0) {
		t.Errorf("options = %v", body.Options)
	}
	if len(body.Messages) != 2 || body.Messages[0].Role != "system" || body.Messages[1].Content != request().User {
		t.Errorf("messages = %+v", body.Messages)
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model string
		reply llmtest.Reply
		kind  llm.Kind
	}{
		{"server busy", "llama3.2", llmtest.Overloaded(), llm.Overloaded},
		{"model not pulled", "mistral", llmtest.Answer(`{}`), llm.NotFound},
		{"runner crashed", "llama3.2", llmtest.Fail(500), llm.Server},
		{"bad request", "llama3.2", llmtest.Fail(400), llm.BadRequest},
		{"not json", "llama3.2", llmtest.Malformed("The span should be named total."), llm.Malformed},
		{"empty", "llama3.2", llmtest.Malformed("\n"), llm.Malformed},
		{"cut off", "llama3.2", llmtest.Reply{Decision: `{"name":`, Truncated: true}, llm.Malformed},
		{"proxy html", "llama3.2", llmtest.Reply{Status: 502, Body: "<html>\n<body>Bad Gateway</body>\n</html>"}, llm.Server},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := llmtest.NewOllama(t, llmtest.Always(tc.reply))
			_, err := newClient(t, s, tc.model, 5*time.Second).Decide(context.Background(), request())
			var e *llm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *llm.Error", err, err)
			}
			if e.Kind != tc.kind || e.Provider != llm.Ollama {
				t.Errorf("got %v (%v), want %v", e.Kind, e, tc.kind)
			}
			if s.Count() != 1 {
				t.Errorf("%d requests", s.Count())
			}
		})
	}
}

func TestHangAndConnection(t *testing.T) {
	s := llmtest.NewOllama(t, llmtest.Always(llmtest.Hang()))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newClient(t, s, "llama3.2", time.Minute).Decide(ctx, request())
	if llm.KindOf(err) != llm.Timeout || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
	c, _ := New(llm.Config{Provider: llm.Ollama, BaseURL: "http://127.0.0.1:1"})
	if _, err := c.Decide(context.Background(), request()); llm.KindOf(err) != llm.Connection {
		t.Errorf("refused: %v", err)
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

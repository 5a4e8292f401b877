package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

func TestStatusKind(t *testing.T) {
	for _, tc := range []struct {
		status         int
		code, typ, msg string
		want           Kind
	}{
		{429, "rate_limit_exceeded", "requests", "Rate limit reached", RateLimited},
		{429, "rate_limit_exceeded", "tokens", "", RateLimited},
		{429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota", Quota},
		{429, "", "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", RateLimited},
		{400, "", "invalid_request_error", "Your credit balance is too low to access the Anthropic API.", Quota},
		{400, "", "invalid_request_error", "You have reached your specified API usage limits.", Quota},
		{402, "", "billing_error", "billing", Quota},
		{401, "invalid_api_key", "invalid_request_error", "", Auth},
		{403, "", "permission_error", "", Permission},
		{404, "model_not_found", "invalid_request_error", "", NotFound},
		{408, "", "", "", Timeout},
		{409, "", "", "", Conflict},
		{400, "", "invalid_request_error", "bad schema", BadRequest},
		{413, "", "request_too_large", "", TooLong},
		{400, "context_length_exceeded", "invalid_request_error", "This model's maximum context length is 128000 tokens. However, your messages resulted in 130112 tokens.", TooLong},
		{400, "", "invalid_request_error", "prompt is too long: 210512 tokens > 200000 maximum", TooLong},
		{400, "", "BadRequestError", "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4608 in the messages, 512 in the completion).", TooLong},
		{422, "", "", "", BadRequest},
		{500, "", "api_error", "", Server},
		{502, "", "", "", Server},
		{503, "", "", "server busy", Overloaded},
		{529, "", "overloaded_error", "Overloaded", Overloaded},
		{418, "", "", "", BadRequest},
	} {
		if got := StatusKind(tc.status, tc.code, tc.typ, tc.msg); got != tc.want {
			t.Errorf("StatusKind(%d, %q, %q) = %v, want %v", tc.status, tc.code, tc.typ, got, tc.want)
		}
	}
}

func TestRetryable(t *testing.T) {
	retry := map[Kind]bool{RateLimited: true, Overloaded: true, Server: true, Timeout: true, Conflict: true, Connection: true}
	for k := Unknown; k <= TooLong; k++ {
		if k.Retryable() != retry[k] {
			t.Errorf("%v.Retryable() = %v", k, k.Retryable())
		}
		if strings.HasPrefix(k.String(), "kind(") {
			t.Errorf("kind %d has no name", int(k))
		}
	}
	if !Auth.Fatal() || RateLimited.Fatal() {
		t.Error("only Auth is fatal")
	}
}

// TestClass pins what the engine does about each kind: waits out rate
// limits, backs off from overload, retries transient failures, stops the
// run on a rejected key, asks again after a malformed answer, and gives up
// on the request for everything else.
func TestClass(t *testing.T) {
	want := map[Kind]engine.Class{
		RateLimited: engine.RateLimited,
		Overloaded:  engine.Overloaded,
		Server:      engine.Retryable,
		Timeout:     engine.Retryable,
		Conflict:    engine.Retryable,
		Connection:  engine.Retryable,
		Auth:        engine.StopAll,
		Malformed:   engine.Invalid,
	}
	for k := Unknown; k <= TooLong; k++ {
		w, ok := want[k]
		if !ok {
			w = engine.Fatal
		}
		if got := k.Class(); got != w {
			t.Errorf("%v.Class() = %v, want %v", k, got, w)
		}
	}
	if got := Kind(len(kinds)).Class(); got != engine.Fatal {
		t.Errorf("a kind outside the table has class %v, want fatal", got)
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Provider: "openai", Kind: RateLimited, Status: 429, Code: "rate_limit_exceeded", Message: "slow down", RetryAfter: 2 * time.Second}
	want := "openai: rate limited (429 rate_limit_exceeded): slow down; retry after 2s"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	wrapped := fmt.Errorf("construct x: %w", e)
	if KindOf(wrapped) != RateLimited {
		t.Error("KindOf through wrapping")
	}
	if KindOf(errors.New("plain")) != Unknown {
		t.Error("KindOf plain error")
	}
}

func TestTransportError(t *testing.T) {
	bg := context.Background()
	if e := TransportError(bg, "x", fmt.Errorf("post: %w", context.DeadlineExceeded)); e.Kind != Timeout || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", e)
	}
	canceled, cancel := context.WithCancel(bg)
	cancel()
	if e := TransportError(canceled, "x", fmt.Errorf("post: %w", context.Canceled)); e.Kind != Canceled || !errors.Is(e, context.Canceled) {
		t.Errorf("canceled: %v", e)
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	if e := TransportError(bg, "x", refused); e.Kind != Connection {
		t.Errorf("refused: %v", e)
	}
	e := TransportError(bg, "x", errors.New(`Post "http://h/?key=sk-abcdefghijklmnop": EOF`), "sk-abcdefghijklmnop")
	if strings.Contains(e.Error(), "abcdefghijklmnop") {
		t.Errorf("key leaked: %v", e)
	}
}

func TestRedact(t *testing.T) {
	const key = "sk-proj-AbC123xyz789_secretSECRET"
	for _, in := range []string{
		"Incorrect API key provided: sk-proj-********************************************WXYZ. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Incorrect API key provided: my-local-token-1234.",
		"header Authorization: Bearer " + key,
		"x-api-key sk-ant-api03-aaaaaaaaaaaaaaaa-bbbb",
		"key=" + key + "&x=1",
	} {
		out := Redact(in, key, "my-local-token-1234")
		for _, leak := range []string{"AbC123", "WXYZ", "aaaaaaaa", "my-local-token", "sk-"} {
			if strings.Contains(out, leak) {
				t.Errorf("Redact(%q) = %q still holds %q", in, out, leak)
			}
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("Redact(%q) = %q has no marker", in, out)
		}
	}
	if got := Redact("task-force risk-free", "ab"); got != "task-force risk-free" {
		t.Errorf("ordinary words changed: %q", got)
	}
}

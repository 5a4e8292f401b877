package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

// Kind classifies a failed request by what the caller should do about it.
type Kind int

// The kinds of failure. The zero value is Unknown, which is never retried.
const (
	Unknown Kind = iota
	// RateLimited is a 429 for requests or tokens per minute: wait and retry.
	RateLimited
	// Quota is an exhausted quota, credit balance or spend limit: retrying
	// cannot help until a person acts, so the request fails fast.
	Quota
	// Overloaded is a busy server (503, Anthropic's 529, Ollama's "server busy").
	Overloaded
	// Server is any other 5xx.
	Server
	// Timeout is a 408 or a request that ran past its deadline.
	Timeout
	// Conflict is a 409.
	Conflict
	// Connection is a failure to reach the server or a dropped connection.
	Connection
	// Auth is a 401: the key is wrong or missing, which stops the whole run.
	Auth
	// Permission is a 403: the key may not use this model or endpoint.
	Permission
	// BadRequest is a 400, 413 or 422: the request itself is wrong.
	BadRequest
	// NotFound is a 404, usually an unknown model.
	NotFound
	// Malformed is a reply that holds no usable decision: not JSON, no tool
	// call, empty, refused, or cut off at the token limit.
	Malformed
	// Canceled is a request abandoned because the caller's context was
	// canceled (Ctrl-C); it is not a failure of the provider.
	Canceled
	// TooLong is a request longer than the model or server accepts (its
	// context window, or the request size): sending it again unchanged
	// cannot succeed, a smaller one can.
	TooLong
)

// kinds gives each kind its words, as they appear in error messages, and
// the engine's class: what the request engine does about it. This is the
// one place a provider failure is mapped onto retrying, pausing, stopping
// or asking again; everything else asks Class.
var kinds = [...]struct {
	name  string
	class engine.Class
}{
	Unknown:     {"unknown error", engine.Fatal},
	RateLimited: {"rate limited", engine.RateLimited},
	Quota:       {"quota exceeded", engine.Fatal},
	Overloaded:  {"overloaded", engine.Overloaded},
	Server:      {"server error", engine.Retryable},
	Timeout:     {"timeout", engine.Retryable},
	Conflict:    {"conflict", engine.Retryable},
	Connection:  {"connection error", engine.Retryable},
	Auth:        {"authentication failed", engine.StopAll},
	Permission:  {"permission denied", engine.Fatal},
	BadRequest:  {"bad request", engine.Fatal},
	NotFound:    {"not found", engine.Fatal},
	Malformed:   {"malformed answer", engine.Invalid},
	Canceled:    {"canceled", engine.Fatal},
	TooLong:     {"request too long", engine.Fatal},
}

// String returns the kind in words, as it appears in error messages.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kinds) {
		return kinds[k].name
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Class returns what the request engine should do about a failure of this
// kind. A kind outside the table fails its request alone.
func (k Kind) Class() engine.Class {
	if k >= 0 && int(k) < len(kinds) {
		return kinds[k].class
	}
	return engine.Fatal
}

// Retryable reports whether the same request may succeed if sent again
// later: rate limits, overload, 5xx, timeouts, conflicts and connection
// failures. A malformed answer is not retried by default, since a model
// that produced one tends to produce it again; the caller falls back.
func (k Kind) Retryable() bool {
	switch k.Class() {
	case engine.Retryable, engine.RateLimited, engine.Overloaded:
		return true
	}
	return false
}

// Fatal reports whether the failure concerns every request of the run, not
// just this one, so the run should stop: a rejected key.
func (k Kind) Fatal() bool { return k.Class() == engine.StopAll }

// Error is the one error type every provider client returns. Its message
// never contains an API key.
type Error struct {
	// Kind classifies the failure.
	Kind Kind
	// Provider names the provider ("openai", "anthropic", "ollama",
	// "openai-compatible").
	Provider string
	// Status is the HTTP status code, 0 when no response arrived.
	Status int
	// Code is the provider's machine-readable code when it sends one
	// (OpenAI error.code such as "rate_limit_exceeded", "insufficient_quota",
	// "invalid_api_key").
	Code string
	// Type is the provider's error type (OpenAI error.type such as
	// "requests" or "tokens", Anthropic error.type such as
	// "overloaded_error").
	Type string
	// RetryAfter is how long the server asked to wait, from retry-after-ms
	// or retry-after; 0 when it did not say.
	RetryAfter time.Duration
	// Limits is the rate-limit state from the error response's headers, nil
	// when there were none.
	Limits *Limits
	// RequestID is the provider's id for the request, for support tickets.
	RequestID string
	// Message is the provider's explanation with keys redacted.
	Message string
	// Usage is what a malformed answer cost: the provider counted its
	// tokens even though it is unusable.
	Usage Usage

	// cause is kept only for context and network errors, never for a
	// provider's own error value, whose text may echo request details.
	cause error
}

// Error describes the failure in one line, for example
// "openai: rate limited (429 rate_limit_exceeded): Rate limit reached; retry after 2s".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	var detail []string
	if e.Status != 0 {
		detail = append(detail, fmt.Sprint(e.Status))
	}
	if e.Code != "" {
		detail = append(detail, e.Code)
	} else if e.Type != "" {
		detail = append(detail, e.Type)
	}
	if len(detail) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(detail, " "))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the context or network error behind a Timeout, Canceled or
// Connection error, so errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.cause }

// KindOf returns the Kind of err when it is or wraps an *Error, and Unknown
// otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unknown
}

// StatusKind classifies an HTTP error status together with the provider's
// error code and type, which decide between a rate limit and an exhausted
// quota (both 429) and catch billing errors sent as 400 or 403.
func StatusKind(status int, code, typ, message string) Kind {
	if isQuota(code, typ, message) {
		return Quota
	}
	if status >= 400 && status < 500 && isTooLong(status, code, typ, message) {
		return TooLong
	}
	switch status {
	case http.StatusTooManyRequests:
		return RateLimited
	case http.StatusUnauthorized:
		return Auth
	case http.StatusForbidden:
		return Permission
	case http.StatusNotFound:
		return NotFound
	case http.StatusRequestTimeout:
		return Timeout
	case http.StatusConflict:
		return Conflict
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return BadRequest
	case http.StatusServiceUnavailable, 529:
		return Overloaded
	}
	switch typ {
	case "overloaded_error":
		return Overloaded
	case "rate_limit_error":
		return RateLimited
	}
	switch {
	case status >= 500:
		return Server
	case status >= 400:
		return BadRequest
	}
	return Unknown
}

// isQuota recognises the failures no retry can fix: OpenAI's
// insufficient_quota and billing limits, Anthropic's billing_error and its
// credit-balance and spend-limit messages.
func isQuota(code, typ, message string) bool {
	switch code {
	case "insufficient_quota", "billing_hard_limit_reached", "billing_not_active":
		return true
	}
	switch typ {
	case "insufficient_quota", "billing_error":
		return true
	}
	m := strings.ToLower(message)
	return strings.Contains(m, "credit balance is too low") ||
		strings.Contains(m, "spend limit") ||
		strings.Contains(m, "usage limit") ||
		strings.Contains(m, "exceeded your current quota")
}

// isTooLong recognises a request refused for its length: OpenAI's
// context_length_exceeded (also what vLLM and other OpenAI-compatible
// servers say, in words), Anthropic's "prompt is too long" and its 413
// request_too_large.
func isTooLong(status int, code, typ, message string) bool {
	if code == "context_length_exceeded" || typ == "request_too_large" || status == 413 {
		return true
	}
	m := strings.ToLower(message)
	return strings.Contains(m, "maximum context length") ||
		strings.Contains(m, "prompt is too long") ||
		strings.Contains(m, "context window") && strings.Contains(m, "exceed") ||
		strings.Contains(m, "input is too long")
}

// TransportError turns an error that came without an HTTP response (a
// context ending, a refused or dropped connection) into an *Error. parent is
// the caller's context: when it is done, the caller gave up (Canceled, or
// Timeout for its own deadline); otherwise a deadline set for this request
// alone ran out (Timeout). Secrets are redacted from the message.
func TransportError(parent context.Context, provider string, err error, secrets ...string) *Error {
	e := &Error{Provider: provider, Kind: Connection, cause: err, Message: Redact(err.Error(), secrets...)}
	var nerr net.Error
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		e.Kind = Canceled
		e.cause = parent.Err()
		e.Message = "request canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(parent.Err(), context.DeadlineExceeded):
		e.Kind = Timeout
		e.cause = context.DeadlineExceeded
		e.Message = "no answer before the deadline"
	case errors.Is(err, context.Canceled):
		// The request's own context was canceled by the client library
		// while the caller's was not: treat it as a dropped connection.
		e.Kind = Connection
	case errors.As(err, &nerr) && nerr.Timeout():
		e.Kind = Timeout
	}
	return e
}

// HTTPError builds the error for an HTTP error response: its kind from the
// status, code, type and message; RetryAfter from the retry-after headers;
// RequestID from x-request-id or request-id; limits as the caller read them
// from the same headers. Secrets and anything shaped like a key are
// redacted from the message.
func HTTPError(provider string, status int, h http.Header, limits *Limits, code, typ, message string, secrets ...string) *Error {
	e := &Error{
		Kind:     StatusKind(status, code, typ, message),
		Provider: provider,
		Status:   status,
		Code:     code,
		Type:     typ,
		Limits:   limits,
		Message:  Redact(strings.TrimSpace(message), secrets...),
	}
	if h != nil {
		e.RetryAfter = RetryAfter(h, time.Now())
		e.RequestID = h.Get("x-request-id")
		if e.RequestID == "" {
			e.RequestID = h.Get("request-id")
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// ErrorBodyMessage finds the explanation in an error body of a shape the
// SDKs do not read: {"message": ...} (vLLM), {"error": "..."} (Ollama,
// many proxies), {"error": {"message": ...}}, {"detail": ...} (FastAPI
// servers). Anything else gives BodyMessage of the raw body.
func ErrorBodyMessage(body []byte) string {
	var v struct {
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &v) == nil {
		if v.Message != "" {
			return BodyMessage([]byte(v.Message))
		}
		var s string
		if json.Unmarshal(v.Error, &s) == nil && s != "" {
			return BodyMessage([]byte(s))
		}
		var nested struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(v.Error, &nested) == nil && nested.Message != "" {
			return BodyMessage([]byte(nested.Message))
		}
		if json.Unmarshal(v.Detail, &s) == nil && s != "" {
			return BodyMessage([]byte(s))
		}
		if len(v.Detail) > 0 {
			return BodyMessage(v.Detail)
		}
	}
	return BodyMessage(body)
}

// BodyMessage returns the start of an error body that is not in the
// provider's JSON format (an HTML page from a proxy), on one line, short
// enough for an error message.
func BodyMessage(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// MalformedError reports an answer that holds no usable decision.
func MalformedError(provider, format string, args ...any) *Error {
	return &Error{Provider: provider, Kind: Malformed, Message: fmt.Sprintf(format, args...)}
}

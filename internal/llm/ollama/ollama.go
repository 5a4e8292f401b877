// Package ollama asks an Ollama server for decisions through its native
// /api/chat endpoint with the Decision schema as the "format", which makes
// Ollama constrain the model's output to the schema. It uses the api
// package of Ollama itself, which never retries.
package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// keepAlive is how long Ollama keeps the model, and its prompt cache,
// loaded after a request.
const keepAlive = 30 * time.Minute

// Client asks one Ollama server for decisions. It is safe for concurrent use.
type Client struct {
	api     *api.Client
	model   string
	timeout time.Duration
}

// New returns a client for cfg, whose Provider is llm.Ollama (or empty)
// and whose BaseURL is the server (default http://127.0.0.1:11434).
func New(cfg llm.Config) (*Client, error) {
	if cfg.Provider == "" {
		cfg.Provider = llm.Ollama
	}
	cfg = cfg.WithDefaults()
	if cfg.Provider != llm.Ollama {
		return nil, fmt.Errorf("ollama client for provider %q", cfg.Provider)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		// url.Error repeats the raw URL, userinfo and all: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("ollama base URL %q: %w", llm.ShowURL(cfg.BaseURL), err)
	}
	return &Client{api: api.NewClient(base, cfg.Client()), model: cfg.Model, timeout: cfg.RequestTimeout()}, nil
}

// Decide sends req to /api/chat without streaming and returns the message
// content, which the format schema makes the decision JSON. Every error is
// an *llm.Error.
func (c *Client) Decide(ctx context.Context, req prompt.Request) (llm.Answer, error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	stream := false
	options := map[string]any{
		// Deterministic answers: the same construct gets the same decision,
		// which keeps reruns and caches stable.
		"temperature": 0,
	}
	if req.MaxTokens > 0 {
		options["num_predict"] = req.MaxTokens
	}
	chat := &api.ChatRequest{
		Model: c.model,
		Messages: []api.Message{
			{Role: "system", Content: req.System},
			{Role: "user", Content: req.User},
		},
		Stream:  &stream,
		Format:  json.RawMessage(req.Schema),
		Options: options,
		// The system prompt comes first and is the same in every request,
		// so a loaded model reuses its KV cache for it; keeping the model
		// loaded between requests (Ollama unloads after 5 minutes idle by
		// default) keeps that cache across the gaps of a slow run.
		KeepAlive: &api.Duration{Duration: keepAlive},
	}
	start := time.Now()
	var final *api.ChatResponse
	var content strings.Builder
	err := c.api.Chat(rctx, chat, func(r api.ChatResponse) error {
		// Without streaming there is one response; gathering the content
		// of several keeps a server that streams anyway working.
		content.WriteString(r.Message.Content)
		if r.Done {
			final = &r
		}
		return nil
	})
	latency := time.Since(start)
	if err != nil {
		return llm.Answer{}, classify(ctx, rctx, err)
	}
	if final == nil {
		return llm.Answer{}, llm.MalformedError(llm.Ollama, "the answer ended before it was done")
	}
	usage := llm.Usage{InputTokens: final.PromptEvalCount, OutputTokens: final.EvalCount}
	malformed := func(format string, args ...any) (llm.Answer, error) {
		e := llm.MalformedError(llm.Ollama, format, args...)
		e.Usage = usage
		return llm.Answer{}, e
	}
	if final.DoneReason == "length" {
		return malformed("the answer was cut off at %d tokens", req.MaxTokens)
	}
	raw, ok := llm.ExtractObject(content.String())
	if !ok {
		if strings.TrimSpace(content.String()) == "" {
			return malformed("the answer is empty")
		}
		return malformed("the answer is not a JSON object: %s", llm.BodyMessage([]byte(content.String())))
	}
	return llm.Answer{Raw: raw, Usage: usage, Model: final.Model, Latency: latency}, nil
}

// classify turns what the api package returned into an *llm.Error.
func classify(parent, rctx context.Context, err error) error {
	if rctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if rctx.Err() != nil {
			err = fmt.Errorf("%w: %w", rctx.Err(), err)
		}
		return llm.TransportError(parent, llm.Ollama, err)
	}
	var status api.StatusError
	if errors.As(err, &status) {
		msg := status.ErrorMessage
		if msg == "" {
			msg = status.Status
		}
		return llm.HTTPError(llm.Ollama, status.StatusCode, nil, nil, "", "", llm.BodyMessage([]byte(msg)))
	}
	var auth api.AuthorizationError
	if errors.As(err, &auth) {
		return llm.HTTPError(llm.Ollama, auth.StatusCode, nil, nil, "", "", "unauthorized: "+auth.Status)
	}
	var nerr net.Error
	var uerr *url.Error
	if errors.As(err, &nerr) || errors.As(err, &uerr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return llm.TransportError(parent, llm.Ollama, err)
	}
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typeErr) {
		return llm.MalformedError(llm.Ollama, "unreadable response: %s", llm.Redact(err.Error()))
	}
	// The api package reports both a body line it could not read and an
	// {"error": ...} sent after a 200 (the runner failed mid-answer) as a
	// plain error; the second is the real case and worth a retry.
	return &llm.Error{Kind: llm.Server, Provider: llm.Ollama, Message: llm.Redact(llm.BodyMessage([]byte(err.Error())))}
}

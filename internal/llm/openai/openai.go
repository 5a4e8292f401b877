// Package openai asks OpenAI's Chat Completions API, or any server that
// speaks it (vLLM, LM Studio, llama.cpp, Ollama's /v1), for decisions, with
// a strict JSON-schema response_format. It uses the official SDK with its
// retries off: the request engine owns retries and must see every
// response's headers.
package openai

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// placeholderKey is sent to OpenAI-compatible servers configured without a
// key: the SDK requires one, local servers accept anything, and an explicit
// placeholder keeps the SDK from picking OPENAI_API_KEY up from the
// environment and sending a real key to a third-party server.
const placeholderKey = "no-key"

// Client asks one OpenAI or OpenAI-compatible server for decisions. It is
// safe for concurrent use.
type Client struct {
	sdk      sdk.Client
	provider string
	model    string
	key      string
	timeout  time.Duration
	bodies   bodies
	// whole is set once the server refused a streamed request that it
	// takes whole (see Decide).
	whole atomic.Bool
}

// New returns a client for cfg, whose Provider is llm.OpenAI or
// llm.OpenAICompatible. The hosted API needs cfg.APIKey; compatible servers
// take it when they were started with one.
func New(cfg llm.Config) (*Client, error) {
	if cfg.Provider == "" {
		cfg.Provider = llm.OpenAI
	}
	cfg = cfg.WithDefaults()
	if cfg.Provider != llm.OpenAI && cfg.Provider != llm.OpenAICompatible {
		return nil, fmt.Errorf("openai client for provider %q: want %s or %s", cfg.Provider, llm.OpenAI, llm.OpenAICompatible)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key := cfg.APIKey
	if key == "" {
		key = placeholderKey
	}
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(key),
		option.WithHTTPClient(cfg.Client()),
		option.WithMaxRetries(0),
	}
	if cfg.Provider == llm.OpenAICompatible {
		// OPENAI_ORG_ID and OPENAI_PROJECT_ID belong to an OpenAI account;
		// another server has no use for them.
		opts = append(opts, option.WithHeaderDel("OpenAI-Organization"), option.WithHeaderDel("OpenAI-Project"))
	}
	return &Client{
		sdk:      sdk.NewClient(opts...),
		provider: cfg.Provider,
		model:    cfg.Model,
		key:      cfg.APIKey,
		timeout:  cfg.RequestTimeout(),
	}, nil
}

// Decide sends req as one chat completion and returns the decision JSON
// from the answer's content. Every error is an *llm.Error.
func (c *Client) Decide(ctx context.Context, req prompt.Request) (llm.Answer, error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	body, err := c.body(req)
	if err != nil {
		return llm.Answer{}, &llm.Error{Kind: llm.BadRequest, Provider: c.provider, Message: fmt.Sprintf("encoding the request for %s: %v", req.ConstructID, err)}
	}

	if early := llm.EarlyLimits(ctx); early != nil && c.provider == llm.OpenAI && !c.whole.Load() {
		ans, err := c.decideStreamed(ctx, rctx, req, body, early)
		if llm.KindOf(err) != llm.BadRequest {
			return ans, err
		}
		// A server behind an "openai" base URL that takes the request but
		// not the stream (one that does not know stream_options): ask it
		// whole, now and from now on.
		c.whole.Store(true)
	}
	start := time.Now()
	var resp *http.Response
	var completion *sdk.ChatCompletion
	err = c.sdk.Post(rctx, "chat/completions", body, &completion, option.WithResponseInto(&resp))
	latency := time.Since(start)
	var limits *llm.Limits
	if resp != nil {
		limits = llm.OpenAILimits(resp.Header)
	}
	if err != nil {
		return llm.Answer{}, c.classify(ctx, rctx, err, resp, limits)
	}
	return c.answer(completion, req.MaxTokens, limits, latency)
}

// params builds the chat completion Decide sends for req; the batch
// client sends the very same body as one line of its input file.
func (c *Client) params(req prompt.Request) sdk.ChatCompletionNewParams {
	params := sdk.ChatCompletionNewParams{
		Model: c.model,
		Messages: []sdk.ChatCompletionMessageParamUnion{
			sdk.SystemMessage(req.System),
			sdk.UserMessage(req.User),
		},
		ResponseFormat: sdk.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
				JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
					Name:   req.SchemaName,
					Strict: sdk.Bool(true),
					Schema: json.RawMessage(req.Schema),
				},
			},
		},
	}
	if c.provider == llm.OpenAI {
		// OpenAI caches prompt prefixes on its own; the key routes every
		// request sharing this prefix (instructions and schema of one
		// prompt version) to the same cache. Compatible servers may reject
		// the field, and have no such cache routing to help.
		params.PromptCacheKey = sdk.String(CacheKey(req))
	}
	if req.MaxTokens > 0 {
		if c.provider == llm.OpenAI {
			// Reasoning models refuse max_tokens; every current model takes this.
			params.MaxCompletionTokens = sdk.Int(int64(req.MaxTokens))
		} else {
			// Compatible servers have long accepted max_tokens; not all
			// know its newer name.
			params.MaxTokens = sdk.Int(int64(req.MaxTokens))
		}
	}
	return params
}

// answer reads the decision out of a completion, whether it came from
// Decide or from a batch's output file.
func (c *Client) answer(completion *sdk.ChatCompletion, maxTokens int, limits *llm.Limits, latency time.Duration) (llm.Answer, error) {
	// prompt_tokens already includes the cached tokens.
	usage := llm.Usage{
		InputTokens:     int(completion.Usage.PromptTokens),
		CacheReadTokens: int(completion.Usage.PromptTokensDetails.CachedTokens),
		OutputTokens:    int(completion.Usage.CompletionTokens),
	}
	malformed := func(format string, args ...any) (llm.Answer, error) {
		e := llm.MalformedError(c.provider, format, args...)
		e.Limits, e.Usage = limits, usage
		e.Message = llm.Redact(e.Message, c.key)
		return llm.Answer{}, e
	}
	if len(completion.Choices) == 0 {
		return malformed("the answer has no choices")
	}
	choice := completion.Choices[0]
	if choice.Message.Refusal != "" {
		return malformed("the model refused: %s", shorten(choice.Message.Refusal))
	}
	if choice.FinishReason == "length" {
		return malformed("the answer was cut off at %d tokens", maxTokens)
	}
	raw, ok := llm.ExtractObject(choice.Message.Content)
	if !ok {
		if strings.TrimSpace(choice.Message.Content) == "" {
			return malformed("the answer is empty")
		}
		return malformed("the answer is not a JSON object: %s", shorten(choice.Message.Content))
	}
	return llm.Answer{Raw: raw, Usage: usage, Limits: limits, Model: completion.Model, Latency: latency}, nil
}

// classify turns what the SDK returned into an *llm.Error.
func (c *Client) classify(parent, rctx context.Context, err error, resp *http.Response, limits *llm.Limits) error {
	if rctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if rctx.Err() != nil {
			err = fmt.Errorf("%w: %w", rctx.Err(), err)
		}
		return llm.TransportError(parent, c.provider, err, c.key)
	}
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if msg == "" && apiErr.Response != nil {
			msg = bodyOf(apiErr.Response)
		}
		code := apiErr.Code
		if _, err := strconv.Atoi(code); err == nil {
			code = "" // llama.cpp repeats the HTTP status as a numeric code
		}
		return llm.HTTPError(c.provider, apiErr.StatusCode, headerOf(apiErr.Response), limits, code, apiErr.Type, msg, c.key)
	}
	if resp != nil && resp.StatusCode >= 400 {
		// An error body the SDK could not read as OpenAI's JSON: a proxy's
		// HTML page, a compatible server's own shape.
		return llm.HTTPError(c.provider, resp.StatusCode, resp.Header, limits, "", "", bodyOf(resp), c.key)
	}
	if resp != nil {
		e := llm.MalformedError(c.provider, "unreadable response: %s", llm.Redact(err.Error(), c.key))
		e.Limits = limits
		return e
	}
	return llm.TransportError(parent, c.provider, err, c.key)
}

func headerOf(r *http.Response) http.Header {
	if r == nil {
		return nil
	}
	return r.Header
}

// bodyOf reads the start of an error response's body, which the SDK left
// readable.
func bodyOf(r *http.Response) string {
	if r == nil || r.Body == nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
	return llm.ErrorBodyMessage(b)
}

// shorten keeps model text in an error message to one short line.
func shorten(s string) string { return llm.BodyMessage([]byte(s)) }

// CacheKey returns the prompt_cache_key for req: the prompt version and a
// hash of the static prefix (system prompt and schema), so requests share
// a key exactly when they share the prefix, and a new prompt version or an
// edited schema starts a new one.
func CacheKey(req prompt.Request) string {
	h := sha256.New()
	h.Write([]byte(req.SchemaName))
	h.Write([]byte{0})
	h.Write(req.Schema)
	h.Write([]byte{0})
	h.Write([]byte(req.System))
	return "telemetry-inject-" + req.Version + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

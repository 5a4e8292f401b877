// Package anthropic asks Anthropic's Messages API for decisions by forcing
// a call to a single tool whose input schema is the Decision schema: the
// tool call's input is the decision. It uses the official SDK (v2) with its
// retries off, so the request engine owns retries and sees every header.
package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/param"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// defaultMaxTokens bounds an answer when the request does not; the API
// requires a bound.
const defaultMaxTokens = 1024

// Client asks one Anthropic endpoint for decisions. It is safe for
// concurrent use.
type Client struct {
	sdk     sdk.Client
	model   string
	key     string
	timeout time.Duration
	// whole is set once the server refused a streamed request that it
	// takes whole (see Decide).
	whole atomic.Bool
}

// New returns a client for cfg, whose Provider is llm.Anthropic (or empty)
// and whose APIKey is set. The SDK's own reading of the environment is off:
// cfg is the only source of key and URL.
func New(cfg llm.Config) (*Client, error) {
	if cfg.Provider == "" {
		cfg.Provider = llm.Anthropic
	}
	cfg = cfg.WithDefaults()
	if cfg.Provider != llm.Anthropic {
		return nil, fmt.Errorf("anthropic client for provider %q", cfg.Provider)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Client{
		sdk: sdk.NewClient(
			option.WithoutEnvironmentDefaults(),
			option.WithBaseURL(cfg.BaseURL),
			option.WithAPIKey(cfg.APIKey),
			option.WithHTTPClient(cfg.Client()),
			option.WithMaxRetries(0),
			// The tool's own telemetry is not this SDK's business.
			option.WithoutOpenTelemetry(),
		),
		model:   cfg.Model,
		key:     cfg.APIKey,
		timeout: cfg.RequestTimeout(),
	}, nil
}

// Decide sends req as one message with the decision tool forced and
// returns the tool call's input. Every error is an *llm.Error.
func (c *Client) Decide(ctx context.Context, req prompt.Request) (llm.Answer, error) {
	params, err := c.params(req)
	if err != nil {
		return llm.Answer{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if early := llm.EarlyLimits(ctx); early != nil && !c.whole.Load() {
		ans, err := c.decideStreamed(ctx, rctx, req, params, early)
		if llm.KindOf(err) != llm.BadRequest {
			return ans, err
		}
		// A server speaking Anthropic's API that takes the request but
		// not the stream: ask it whole, now and from now on.
		c.whole.Store(true)
	}
	start := time.Now()
	var resp *http.Response
	msg, err := c.sdk.Messages.New(rctx, params, option.WithResponseInto(&resp))
	latency := time.Since(start)
	var limits *llm.Limits
	if resp != nil {
		limits = llm.AnthropicLimits(resp.Header, time.Now())
	}
	if err != nil {
		return llm.Answer{}, c.classify(ctx, rctx, err, resp, limits)
	}
	return c.answer(msg, req.SchemaName, int(params.MaxTokens), limits, latency)
}

// params builds the message Decide sends for req; the batch client sends
// the very same params for each request of a batch. Its error is an
// *llm.Error.
func (c *Client) params(req prompt.Request) (sdk.MessageNewParams, error) {
	schema, err := inputSchema(req.Schema)
	if err != nil {
		return sdk.MessageNewParams{}, &llm.Error{Kind: llm.BadRequest, Provider: llm.Anthropic, Message: err.Error()}
	}
	maxTokens := req.MaxTokens
	if maxTokens <= 0 {
		maxTokens = defaultMaxTokens
	}
	choice := sdk.ToolChoiceParamOfTool(req.SchemaName)
	choice.OfTool.DisableParallelToolUse = sdk.Bool(true)
	params := sdk.MessageNewParams{
		Model:     sdk.Model(c.model),
		MaxTokens: int64(maxTokens),
		// The API renders tools, then system, then messages, so a cache
		// breakpoint on the system block caches the tool definition (the
		// schema) and the instructions together: the prefix every request
		// of one prompt version shares byte for byte. Below the model's
		// minimum cacheable length the API ignores the mark and bills
		// the prompt at the plain input price.
		System:   []sdk.TextBlockParam{{Text: req.System, CacheControl: sdk.NewCacheControlEphemeralParam()}},
		Messages: []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock(req.User))},
		Tools: []sdk.ToolUnionParam{{OfTool: &sdk.ToolParam{
			Name:        req.SchemaName,
			Description: sdk.String("Record the telemetry decision for the construct."),
			InputSchema: schema,
		}}},
		ToolChoice: choice,
	}
	return params, nil
}

// answer reads the decision out of a message, whether it came from Decide
// or from a batch's results. An empty toolName takes any tool call:
// a batch result does not carry its request, and every request forced
// the one decision tool.
func (c *Client) answer(msg *sdk.Message, toolName string, maxTokens int, limits *llm.Limits, latency time.Duration) (llm.Answer, error) {
	usage := usageOf(msg.Usage)
	malformed := func(format string, args ...any) (llm.Answer, error) {
		e := llm.MalformedError(llm.Anthropic, format, args...)
		e.Limits, e.Usage = limits, usage
		e.Message = llm.Redact(e.Message, c.key)
		return llm.Answer{}, e
	}
	if msg.StopReason == sdk.StopReasonMaxTokens {
		return malformed("the answer was cut off at %d tokens", maxTokens)
	}
	for _, block := range msg.Content {
		if block.Type != "tool_use" || (toolName != "" && block.Name != toolName) {
			continue
		}
		raw, ok := llm.ExtractObject(string(block.Input))
		if !ok {
			return malformed("the tool input is not a JSON object: %s", llm.BodyMessage(block.Input))
		}
		return llm.Answer{Raw: raw, Usage: usage, Limits: limits, Model: string(msg.Model), Latency: latency}, nil
	}
	if msg.StopReason == sdk.StopReasonRefusal {
		return malformed("the model refused to answer")
	}
	return malformed("the answer has no %s tool call (stop reason %q)", toolName, msg.StopReason)
}

// inputSchema turns the Decision JSON schema into the SDK's tool input
// schema, sent verbatim with every keyword (additionalProperties,
// descriptions). Verbatim also keeps it byte-identical from request to
// request, which prompt caching needs: the SDK writes the extra keywords
// of a built ToolInputSchemaParam from a map, in a different order each
// time, and every request would then miss the cache.
func inputSchema(raw []byte) (sdk.ToolInputSchemaParam, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return sdk.ToolInputSchemaParam{}, fmt.Errorf("decision schema is not a JSON object: %w", err)
	}
	if t, ok := m["type"]; !ok || t != "object" {
		return sdk.ToolInputSchemaParam{}, fmt.Errorf("decision schema has type %v; a tool input must be an object", t)
	}
	return param.Override[sdk.ToolInputSchemaParam](json.RawMessage(raw)), nil
}

// classify turns what the SDK returned into an *llm.Error.
func (c *Client) classify(parent, rctx context.Context, err error, resp *http.Response, limits *llm.Limits) error {
	if rctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if rctx.Err() != nil {
			err = fmt.Errorf("%w: %w", rctx.Err(), err)
		}
		return llm.TransportError(parent, llm.Anthropic, err, c.key)
	}
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if msg == "" {
			msg = llm.ErrorBodyMessage([]byte(apiErr.RawJSON()))
		}
		var h http.Header
		if apiErr.Response != nil {
			h = apiErr.Response.Header
		}
		e := llm.HTTPError(llm.Anthropic, apiErr.StatusCode, h, limits, string(apiErr.ErrorCode()), string(apiErr.Type()), msg, c.key)
		if e.RequestID == "" {
			e.RequestID = apiErr.RequestID
		}
		return e
	}
	if resp != nil && resp.StatusCode >= 400 {
		return llm.HTTPError(llm.Anthropic, resp.StatusCode, resp.Header, limits, "", "", http.StatusText(resp.StatusCode), c.key)
	}
	if resp != nil {
		e := llm.MalformedError(llm.Anthropic, "unreadable response: %s", llm.Redact(err.Error(), c.key))
		e.Limits = limits
		return e
	}
	return llm.TransportError(parent, llm.Anthropic, err, c.key)
}

// usageOf normalises Anthropic's usage, whose input_tokens counts only the
// tokens after the last cache breakpoint, to llm.Usage, whose InputTokens
// is the whole prompt.
func usageOf(u sdk.Usage) llm.Usage {
	read, write := int(u.CacheReadInputTokens), int(u.CacheCreationInputTokens)
	return llm.Usage{
		InputTokens:      int(u.InputTokens) + read + write,
		CacheReadTokens:  read,
		CacheWriteTokens: write,
		OutputTokens:     int(u.OutputTokens),
	}
}

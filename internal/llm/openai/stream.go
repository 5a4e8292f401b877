package openai

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// OpenAI sends a streamed answer's headers, x-ratelimit-* included, as the
// stream starts: before the model has written the answer, which takes
// most of a request's time. A run that does not know the account's tier
// holds the rest of its job until the first headers (see
// llm.WithEarlyLimits), so its first requests are streamed and the
// headers handed over the moment they arrive. Every other request is
// sent whole: a stream costs more to read and says nothing more.

// streamOptions turns a chat completion body into a streamed one whose
// last chunk carries the usage, which the token bucket is corrected by.
const streamOptions = `,"stream":true,"stream_options":{"include_usage":true}}`

// decideStreamed sends body as a streamed chat completion, reports the
// headers to early as soon as they arrive, and assembles the answer from
// the chunks with the SDK's accumulator.
func (c *Client) decideStreamed(parent, rctx context.Context, req prompt.Request, body []byte, early func(*llm.Limits)) (llm.Answer, error) {
	streamed := append(body[:len(body)-1:len(body)-1], streamOptions...)
	start := time.Now()
	var resp *http.Response
	err := c.sdk.Post(rctx, "chat/completions", streamed, &resp)
	var limits *llm.Limits
	if resp != nil {
		limits = llm.OpenAILimits(resp.Header)
	}
	if err != nil {
		return llm.Answer{}, c.classify(parent, rctx, err, resp, limits)
	}
	defer resp.Body.Close()
	if limits != nil {
		early(limits)
	}
	completion, err := readStream(resp)
	latency := time.Since(start)
	if err != nil {
		return llm.Answer{}, c.classify(parent, rctx, err, resp, limits)
	}
	return c.answer(completion, req.MaxTokens, limits, latency)
}

// readStream assembles a streamed answer. A server that answered a
// stream request with one JSON body is read as that body.
func readStream(resp *http.Response) (*sdk.ChatCompletion, error) {
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		var completion sdk.ChatCompletion
		if err := json.Unmarshal(data, &completion); err != nil {
			return nil, err
		}
		return &completion, nil
	}
	stream := ssestream.NewStream[sdk.ChatCompletionChunk](ssestream.NewDecoder(resp), nil)
	defer stream.Close()
	var acc sdk.ChatCompletionAccumulator
	for stream.Next() {
		acc.AddChunk(stream.Current())
	}
	if err := stream.Err(); err != nil {
		return nil, err
	}
	return &acc.ChatCompletion, nil
}

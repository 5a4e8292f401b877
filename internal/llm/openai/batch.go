package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// OpenAI's limits on one batch: its input file holds at most 50,000
// requests and 200 MB. The byte limit is read as decimal megabytes, the
// smaller reading, so a batch near it is never refused.
const (
	BatchMaxRequests = 50_000
	BatchMaxBytes    = 200_000_000
)

// chatPath is the endpoint every line of the input file names, and the
// batch's endpoint: the synchronous client's.
const chatPath = "/v1/chat/completions"

// transferTimeout bounds an upload or download of a batch file, which may
// be 200 MB: far more than one decision request's timeout allows.
const transferTimeout = 15 * time.Minute

// BatchClient sends decision requests through OpenAI's Batch API: the
// requests go up as a JSONL file, run within 24 hours at half the price and
// outside the rate limits, and come back as output and error files matched
// by custom_id (the construct ID). Each line's body is exactly what Decide
// sends. It is safe for concurrent use.
type BatchClient struct {
	c    *Client
	name string
}

// NewBatch returns a batch client for cfg, which New accepts. OpenAI-
// compatible servers rarely implement /v1/batches; those that do work too.
func NewBatch(cfg llm.Config) (*BatchClient, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	return &BatchClient{c: c, name: fmt.Sprintf("%s %s %s", c.provider, c.model, llm.ShowURL(cfg.BaseURL))}, nil
}

// Name identifies the provider, model and server, so batches saved by one
// configuration are never collected by another.
func (b *BatchClient) Name() string { return b.name }

// Limits returns the most requests and bytes one batch may hold.
func (b *BatchClient) Limits() (maxRequests int, maxBytes int64) {
	return BatchMaxRequests, BatchMaxBytes
}

// Size returns how many bytes req adds to a batch's input file: its JSONL
// line and newline.
func (b *BatchClient) Size(req prompt.Request) (int64, error) {
	line, err := b.line(req)
	return int64(len(line)) + 1, err
}

// line renders req as one line of the input file.
func (b *BatchClient) line(req prompt.Request) ([]byte, error) {
	body, err := json.Marshal(b.c.params(req))
	if err != nil {
		return nil, &llm.Error{Kind: llm.BadRequest, Provider: b.c.provider, Message: fmt.Sprintf("encoding the request for %s: %v", req.ConstructID, err)}
	}
	// Written by hand: marshaling a struct around the body would validate
	// and compact its kilobytes again, for every request, twice (Size and
	// Submit).
	id, err := json.Marshal(req.ConstructID)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(body)+len(id)+80)
	line = append(line, `{"custom_id":`...)
	line = append(line, id...)
	line = append(line, `,"method":"POST","url":"`+chatPath+`","body":`...)
	line = append(line, body...)
	return append(line, '}'), nil
}

// Submit uploads reqs as one input file and creates a batch from it,
// returning the batch id. Errors are *llm.Error.
func (b *BatchClient) Submit(ctx context.Context, reqs []prompt.Request) (string, error) {
	var file bytes.Buffer
	for _, req := range reqs {
		line, err := b.line(req)
		if err != nil {
			return "", err
		}
		file.Write(line)
		file.WriteByte('\n')
	}
	uctx, cancel := context.WithTimeout(ctx, transferTimeout)
	defer cancel()
	var resp *http.Response
	f, err := b.c.sdk.Files.New(uctx, sdk.FileNewParams{
		File:    sdk.File(&file, "telemetry-inject-batch.jsonl", "application/jsonl"),
		Purpose: sdk.FilePurposeBatch,
	}, option.WithResponseInto(&resp))
	if err != nil {
		return "", b.c.classify(ctx, uctx, err, resp, nil)
	}
	rctx, cancel2 := context.WithTimeout(ctx, b.c.timeout)
	defer cancel2()
	batch, err := b.c.sdk.Batches.New(rctx, sdk.BatchNewParams{
		InputFileID:      f.ID,
		Endpoint:         sdk.BatchNewParamsEndpointV1ChatCompletions,
		CompletionWindow: sdk.BatchNewParamsCompletionWindow24h,
		Metadata:         shared.Metadata{"created_by": "telemetry-inject"},
	}, option.WithResponseInto(&resp))
	if err != nil {
		return "", b.c.classify(ctx, rctx, err, resp, nil)
	}
	return batch.ID, nil
}

// Status looks at batch id once. Errors are *llm.Error.
func (b *BatchClient) Status(ctx context.Context, id string) (llm.BatchStatus, error) {
	batch, err := b.get(ctx, id)
	if err != nil {
		return llm.BatchStatus{}, err
	}
	st := llm.BatchStatus{
		State:     batchState(batch.Status),
		Phase:     string(batch.Status),
		Total:     int(batch.RequestCounts.Total),
		Completed: int(batch.RequestCounts.Completed),
		Failed:    int(batch.RequestCounts.Failed),
	}
	if st.State == llm.BatchFailed {
		var msgs []string
		for _, e := range batch.Errors.Data {
			m := e.Message
			if e.Line != 0 {
				m = fmt.Sprintf("line %d: %s", e.Line, m)
			}
			msgs = append(msgs, m)
		}
		st.Message = llm.Redact(strings.Join(msgs, "; "), b.c.key)
		if st.Message == "" {
			st.Message = "the batch failed validation"
		}
	}
	return st, nil
}

func (b *BatchClient) get(ctx context.Context, id string) (*sdk.Batch, error) {
	rctx, cancel := context.WithTimeout(ctx, b.c.timeout)
	defer cancel()
	var resp *http.Response
	batch, err := b.c.sdk.Batches.Get(rctx, id, option.WithResponseInto(&resp))
	if err != nil {
		return nil, b.c.classify(ctx, rctx, err, resp, nil)
	}
	return batch, nil
}

// batchState maps OpenAI's batch statuses onto the common states.
func batchState(s sdk.BatchStatus) llm.BatchState {
	switch s {
	case sdk.BatchStatusCompleted:
		return llm.BatchCompleted
	case sdk.BatchStatusExpired:
		return llm.BatchExpired
	case sdk.BatchStatusCancelling:
		return llm.BatchCanceling
	case sdk.BatchStatusCancelled:
		return llm.BatchCanceled
	case sdk.BatchStatusFailed:
		return llm.BatchFailed
	}
	return llm.BatchRunning
}

// Results downloads the output and error files of ended batch id and
// returns one result per line found. Requests in neither file (a batch
// that failed as a whole) are absent; the caller knows which it sent.
func (b *BatchClient) Results(ctx context.Context, id string) ([]llm.BatchResult, error) {
	batch, err := b.get(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []llm.BatchResult
	for _, fileID := range []string{batch.OutputFileID, batch.ErrorFileID} {
		if fileID == "" {
			continue
		}
		rs, err := b.download(ctx, fileID)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// download reads one output or error file, line by line: a file may be
// hundreds of megabytes, and a line a large completion.
func (b *BatchClient) download(ctx context.Context, fileID string) ([]llm.BatchResult, error) {
	dctx, cancel := context.WithTimeout(ctx, transferTimeout)
	defer cancel()
	var resp *http.Response
	body, err := b.c.sdk.Files.Content(dctx, fileID, option.WithResponseInto(&resp))
	if err != nil {
		return nil, b.c.classify(ctx, dctx, err, resp, nil)
	}
	defer body.Body.Close()
	var out []llm.BatchResult
	r := bufio.NewReaderSize(body.Body, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			res, perr := b.parseLine(line)
			if perr != nil {
				return nil, &llm.Error{Kind: llm.Malformed, Provider: b.c.provider,
					Message: fmt.Sprintf("file %s line %d: %v", fileID, n, perr)}
			}
			out = append(out, res)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, llm.TransportError(ctx, b.c.provider, fmt.Errorf("reading file %s: %w", fileID, err), b.c.key)
		}
	}
}

// outputLine is one line of an output or error file.
type outputLine struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		RequestID  string          `json:"request_id"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// parseLine turns one line into a result; only a line that is not JSON or
// names no custom_id is an error.
func (b *BatchClient) parseLine(line []byte) (llm.BatchResult, error) {
	var l outputLine
	if err := json.Unmarshal(line, &l); err != nil {
		return llm.BatchResult{}, fmt.Errorf("not JSON: %w", err)
	}
	if l.CustomID == "" {
		return llm.BatchResult{}, errors.New("no custom_id")
	}
	res := llm.BatchResult{CustomID: l.CustomID}
	switch {
	case l.Response != nil && l.Response.StatusCode == http.StatusOK:
		var completion sdk.ChatCompletion
		if err := json.Unmarshal(l.Response.Body, &completion); err != nil {
			res.Err = llm.MalformedError(b.c.provider, "unreadable completion: %v", err)
			return res, nil
		}
		res.Answer, res.Err = b.c.answer(&completion, int(completion.Usage.CompletionTokens), nil, 0)
	case l.Response != nil && l.Response.StatusCode != 0:
		var e struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    string `json:"code"`
			} `json:"error"`
		}
		msg := ""
		if json.Unmarshal(l.Response.Body, &e) == nil {
			msg = e.Error.Message
		}
		if msg == "" {
			msg = llm.ErrorBodyMessage(l.Response.Body)
		}
		le := llm.HTTPError(b.c.provider, l.Response.StatusCode, nil, nil, e.Error.Code, e.Error.Type, msg, b.c.key)
		le.RequestID = l.Response.RequestID
		res.Err = le
	case l.Error != nil:
		res.Err = b.itemError(l.Error.Code, l.Error.Message)
	default:
		res.Err = llm.MalformedError(b.c.provider, "the batch line has neither a response nor an error")
	}
	return res, nil
}

// itemError maps the error of a request the batch did not run.
func (b *BatchClient) itemError(code, message string) *llm.Error {
	switch code {
	case llm.BatchExpiredCode:
		return llm.ExpiredError(b.c.provider)
	case llm.BatchCanceledCode:
		return llm.BatchCanceledError(b.c.provider)
	}
	kind := llm.StatusKind(0, code, "", message)
	if code == "request_timeout" {
		kind = llm.Timeout
	}
	if kind == llm.Unknown {
		kind = llm.Server
	}
	return &llm.Error{Kind: kind, Provider: b.c.provider, Code: code, Message: llm.Redact(message, b.c.key)}
}

// Cancel asks OpenAI to stop batch id. Requests already answered stay
// billed and come back with Results once the batch is cancelled.
func (b *BatchClient) Cancel(ctx context.Context, id string) error {
	rctx, cancel := context.WithTimeout(ctx, b.c.timeout)
	defer cancel()
	var resp *http.Response
	if _, err := b.c.sdk.Batches.Cancel(rctx, id, option.WithResponseInto(&resp)); err != nil {
		return b.c.classify(ctx, rctx, err, resp, nil)
	}
	return nil
}

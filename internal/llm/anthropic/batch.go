package anthropic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/param"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Anthropic's limits on one Message Batch: 100,000 requests and 256 MB of
// request body. The byte limit is read as decimal megabytes, the smaller
// reading, less room for the body's {"requests":[...]} wrapper.
const (
	BatchMaxRequests = 100_000
	BatchMaxBytes    = 256_000_000 - 64
)

// transferTimeout bounds a batch's creation (up to 256 MB sent) and the
// download of its results.
const transferTimeout = 15 * time.Minute

// BatchClient sends decision requests through Anthropic's Message Batches:
// they run within 24 hours at half the price and outside the rate limits,
// and their results come back as a JSONL stream matched by custom_id (the
// construct ID). Each request's params are exactly what Decide sends. It is
// safe for concurrent use.
type BatchClient struct {
	c    *Client
	name string
}

// NewBatch returns a batch client for cfg, which New accepts.
func NewBatch(cfg llm.Config) (*BatchClient, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Provider == "" {
		cfg.Provider = llm.Anthropic
	}
	cfg = cfg.WithDefaults()
	return &BatchClient{c: c, name: fmt.Sprintf("%s %s %s", llm.Anthropic, c.model, llm.ShowURL(cfg.BaseURL))}, nil
}

// Name identifies the provider, model and server, so batches saved by one
// configuration are never collected by another.
func (b *BatchClient) Name() string { return b.name }

// Limits returns the most requests and bytes one batch may hold.
func (b *BatchClient) Limits() (maxRequests int, maxBytes int64) {
	return BatchMaxRequests, BatchMaxBytes
}

// Size returns how many bytes req adds to a batch's body: its
// {custom_id, params} object and a comma.
func (b *BatchClient) Size(req prompt.Request) (int64, error) {
	r, err := b.request(req)
	if err != nil {
		return 0, err
	}
	enc, err := json.Marshal(r)
	if err != nil {
		return 0, &llm.Error{Kind: llm.BadRequest, Provider: llm.Anthropic, Message: fmt.Sprintf("encoding the request for %s: %v", req.ConstructID, err)}
	}
	return int64(len(enc)) + 1, nil
}

// request builds one batch request from the params Decide sends: the
// batch's params type is a different Go type with the same wire form, so
// the params go over as their JSON.
func (b *BatchClient) request(req prompt.Request) (sdk.MessageBatchNewParamsRequest, error) {
	params, err := b.c.params(req)
	if err != nil {
		return sdk.MessageBatchNewParamsRequest{}, err
	}
	enc, err := json.Marshal(params)
	if err != nil {
		return sdk.MessageBatchNewParamsRequest{}, &llm.Error{Kind: llm.BadRequest, Provider: llm.Anthropic, Message: fmt.Sprintf("encoding the request for %s: %v", req.ConstructID, err)}
	}
	r := sdk.MessageBatchNewParamsRequest{CustomID: req.ConstructID}
	param.SetJSON(enc, &r.Params)
	return r, nil
}

// Submit creates one batch of reqs and returns its id. Errors are
// *llm.Error.
func (b *BatchClient) Submit(ctx context.Context, reqs []prompt.Request) (string, error) {
	params := sdk.MessageBatchNewParams{Requests: make([]sdk.MessageBatchNewParamsRequest, 0, len(reqs))}
	for _, req := range reqs {
		r, err := b.request(req)
		if err != nil {
			return "", err
		}
		params.Requests = append(params.Requests, r)
	}
	rctx, cancel := context.WithTimeout(ctx, transferTimeout)
	defer cancel()
	var resp *http.Response
	batch, err := b.c.sdk.Messages.Batches.New(rctx, params, option.WithResponseInto(&resp))
	if err != nil {
		return "", b.c.classify(ctx, rctx, err, resp, nil)
	}
	return batch.ID, nil
}

// Status looks at batch id once. Errors are *llm.Error.
func (b *BatchClient) Status(ctx context.Context, id string) (llm.BatchStatus, error) {
	rctx, cancel := context.WithTimeout(ctx, b.c.timeout)
	defer cancel()
	var resp *http.Response
	batch, err := b.c.sdk.Messages.Batches.Get(rctx, id, sdk.MessageBatchGetParams{}, option.WithResponseInto(&resp))
	if err != nil {
		return llm.BatchStatus{}, b.c.classify(ctx, rctx, err, resp, nil)
	}
	n := batch.RequestCounts
	st := llm.BatchStatus{
		Phase:     string(batch.ProcessingStatus),
		Total:     int(n.Processing + n.Succeeded + n.Errored + n.Canceled + n.Expired),
		Completed: int(n.Succeeded),
		Failed:    int(n.Errored + n.Canceled + n.Expired),
	}
	switch batch.ProcessingStatus {
	case sdk.MessageBatchProcessingStatusEnded:
		st.State = llm.BatchCompleted
		if !batch.CancelInitiatedAt.IsZero() {
			st.State = llm.BatchCanceled
		}
	case sdk.MessageBatchProcessingStatusCanceling:
		st.State = llm.BatchCanceling
	default:
		st.State = llm.BatchRunning
	}
	return st, nil
}

// Results streams the results of ended batch id, one per request.
func (b *BatchClient) Results(ctx context.Context, id string) ([]llm.BatchResult, error) {
	rctx, cancel := context.WithTimeout(ctx, transferTimeout)
	defer cancel()
	var resp *http.Response
	stream := b.c.sdk.Messages.Batches.ResultsStreaming(rctx, id, sdk.MessageBatchResultsParams{}, option.WithResponseInto(&resp))
	defer stream.Close()
	var out []llm.BatchResult
	for stream.Next() {
		out = append(out, b.result(stream.Current()))
	}
	if err := stream.Err(); err != nil {
		return nil, b.c.classify(ctx, rctx, fmt.Errorf("reading the results of batch %s: %w", id, err), resp, nil)
	}
	return out, nil
}

// result maps one line of the results.
func (b *BatchClient) result(r sdk.MessageBatchIndividualResponse) llm.BatchResult {
	res := llm.BatchResult{CustomID: r.CustomID}
	switch r.Result.Type {
	case "succeeded":
		msg := r.Result.Message
		res.Answer, res.Err = b.c.answer(&msg, "", int(msg.Usage.OutputTokens), nil, 0)
	case "errored":
		e := r.Result.Error
		typ := e.Error.Type
		le := llm.HTTPError(llm.Anthropic, errorStatus(typ), nil, nil, "", typ, e.Error.Message, b.c.key)
		le.Status = 0 // the type is all the API says; the status was inferred from it
		le.RequestID = e.RequestID
		res.Err = le
	case "expired":
		res.Err = llm.ExpiredError(llm.Anthropic)
	case "canceled":
		res.Err = llm.BatchCanceledError(llm.Anthropic)
	default:
		res.Err = llm.MalformedError(llm.Anthropic, "unknown result type %q", r.Result.Type)
	}
	return res
}

// errorStatus gives the HTTP status Anthropic sends with each error type,
// so an errored batch request is classified like the same synchronous one.
func errorStatus(typ string) int {
	switch typ {
	case "invalid_request_error":
		return http.StatusBadRequest
	case "authentication_error":
		return http.StatusUnauthorized
	case "billing_error":
		return http.StatusPaymentRequired
	case "permission_error":
		return http.StatusForbidden
	case "not_found_error":
		return http.StatusNotFound
	case "request_too_large":
		return http.StatusRequestEntityTooLarge
	case "rate_limit_error":
		return http.StatusTooManyRequests
	case "timeout_error":
		return http.StatusGatewayTimeout
	case "overloaded_error":
		return 529
	}
	return http.StatusInternalServerError
}

// Cancel asks Anthropic to stop batch id. Requests already answered stay
// billed and come back with Results once the batch has ended.
func (b *BatchClient) Cancel(ctx context.Context, id string) error {
	rctx, cancel := context.WithTimeout(ctx, b.c.timeout)
	defer cancel()
	var resp *http.Response
	if _, err := b.c.sdk.Messages.Batches.Cancel(rctx, id, sdk.MessageBatchCancelParams{}, option.WithResponseInto(&resp)); err != nil {
		return b.c.classify(ctx, rctx, err, resp, nil)
	}
	return nil
}

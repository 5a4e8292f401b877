package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// customIDPattern is what Anthropic accepts as a custom_id.
var customIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// NewAnthropicBatch starts a fake Anthropic Message Batches API; its URL
// has no /v1. It serves POST /v1/messages/batches (create), GET
// /v1/messages/batches/{id} (retrieve), POST
// /v1/messages/batches/{id}/cancel and GET
// /v1/messages/batches/{id}/results (JSONL). A batch is "in_progress" for
// script.Polls retrieves, then "ended"; a cancel makes it "canceling" until
// the next retrieve. Each request's answer is what script.Respond gives for
// it, rendered as the synchronous fake renders it; script.Fail is ignored.
func NewAnthropicBatch(t testing.TB, script BatchScript) *BatchServer {
	b := newBatchServer(script)
	b.Server = start(t, "", func(s *Server, w http.ResponseWriter, r *http.Request) {
		req := s.record(r, func([]byte, *Request) {})
		b.mu.Lock()
		defer b.mu.Unlock()
		rest, ok := strings.CutPrefix(r.URL.Path, "/v1/messages/batches")
		parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
		fb := b.batches[parts[0]]
		notFound := func() {
			anthropicError(w, Reply{Status: 404, Type: "not_found_error", Message: "Not Found"}, req.N)
		}
		switch {
		case !ok:
			notFound()
		case r.Method == http.MethodPost && rest == "":
			b.anthropicCreate(w, r, req)
		case fb == nil:
			notFound()
		case r.Method == http.MethodGet && len(parts) == 1:
			b.poll(fb)
			writeJSON(w, http.StatusOK, b.anthropicBatch(fb, r))
		case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "cancel":
			b.cancels++
			fb.cancelNow()
			writeJSON(w, http.StatusOK, b.anthropicBatch(fb, r))
		case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "results":
			if !fb.ended() {
				anthropicError(w, Reply{Status: 400, Message: fmt.Sprintf("Message Batch %s is still in progress; its results are not available yet.", fb.id)}, req.N)
				return
			}
			w.Header().Set("Content-Type", "application/binary")
			w.Write(jsonl(anthropicResults(fb)))
		default:
			notFound()
		}
	})
	return b
}

// anthropicCreate creates a batch; unlike OpenAI, Anthropic refuses a bad
// batch with an HTTP error.
func (b *BatchServer) anthropicCreate(w http.ResponseWriter, r *http.Request, req Request) {
	bad := func(msg string) {
		anthropicError(w, Reply{Status: 400, Message: msg}, req.N)
	}
	if r.Header.Get("x-api-key") == "" && r.Header.Get("Authorization") == "" {
		anthropicError(w, Reply{Status: 401}, req.N)
		return
	}
	var body struct {
		Requests []struct {
			CustomID string          `json:"custom_id"`
			Params   json.RawMessage `json:"params"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(req.Body, &body); err != nil {
		bad("requests: invalid JSON")
		return
	}
	if len(body.Requests) == 0 || len(body.Requests) > 100_000 {
		bad(fmt.Sprintf("requests: want 1 to 100000 requests, got %d", len(body.Requests)))
		return
	}
	seen := map[string]bool{}
	var items []BatchItem
	for i, rq := range body.Requests {
		if !customIDPattern.MatchString(rq.CustomID) || seen[rq.CustomID] {
			bad(fmt.Sprintf("requests.%d.custom_id: %q is not unique or does not match %s", i, rq.CustomID, customIDPattern))
			return
		}
		seen[rq.CustomID] = true
		it := Request{Method: http.MethodPost, Path: "/v1/messages", Body: rq.Params}
		parseAnthropic(rq.Params, &it)
		if it.Model == "" {
			bad(fmt.Sprintf("requests.%d.params.model: Field required", i))
			return
		}
		items = append(items, BatchItem{CustomID: rq.CustomID, Request: it})
	}
	fb := b.add("msgbatch", items, "")
	writeJSON(w, http.StatusOK, b.anthropicBatch(fb, r))
}

// anthropicBatch renders the batch object.
func (b *BatchServer) anthropicBatch(fb *fakeBatch, r *http.Request) map[string]any {
	var processing, succeeded, errored, expired, canceled int
	status := "in_progress"
	switch {
	case fb.ended():
		status = "ended"
	case fb.cancel:
		status = "canceling"
	}
	if fb.ended() {
		for i := range fb.items {
			switch fb.fate(i) {
			case fateAnswered:
				succeeded++
			case fateErrored:
				errored++
			case fateExpired:
				expired++
			case fateCanceled:
				canceled++
			}
		}
	} else {
		succeeded, errored = fb.counts()
		processing = len(fb.items) - succeeded - errored
	}
	at := fb.created.UTC()
	timeOrNil := func(set bool) any {
		if !set {
			return nil
		}
		return at.Format(time.RFC3339Nano)
	}
	var results any
	if fb.ended() {
		results = fmt.Sprintf("http://%s/v1/messages/batches/%s/results", r.Host, fb.id)
	}
	return map[string]any{
		"id": fb.id, "type": "message_batch", "processing_status": status,
		"request_counts": map[string]any{
			"processing": processing, "succeeded": succeeded, "errored": errored,
			"canceled": canceled, "expired": expired,
		},
		"ended_at": timeOrNil(fb.ended()), "created_at": at.Format(time.RFC3339Nano),
		"expires_at": at.Add(24 * time.Hour).Format(time.RFC3339Nano), "archived_at": nil,
		"cancel_initiated_at": timeOrNil(fb.cancel), "results_url": results,
	}
}

// anthropicResults renders an ended batch's results, one line a request.
func anthropicResults(fb *fakeBatch) []any {
	var out []any
	for i, it := range fb.items {
		var result map[string]any
		switch fb.fate(i) {
		case fateAnswered:
			result = map[string]any{"type": "succeeded", "message": anthropicMessage(it.Request, it.reply)}
		case fateErrored:
			_, body := render(func(w http.ResponseWriter) { anthropicError(w, it.reply, it.Request.N) })
			result = map[string]any{"type": "errored", "error": body}
		case fateExpired:
			result = map[string]any{"type": "expired"}
		case fateCanceled:
			result = map[string]any{"type": "canceled"}
		}
		out = append(out, map[string]any{"custom_id": it.CustomID, "result": result})
	}
	return out
}

package llmtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// NewOpenAIBatch starts a fake OpenAI Batch API; its URL ends in /v1. It
// serves POST /v1/files (multipart upload, purpose "batch"), POST
// /v1/batches (create from an uploaded JSONL file of chat completion
// requests), GET /v1/batches/{id} (retrieve), POST /v1/batches/{id}/cancel
// and GET /v1/files/{id}/content (the output and error files). A batch is
// "validating" when created, "in_progress" for script.Polls retrieves,
// then "completed", "expired", "cancelled" or "failed"; each request's
// answer is what script.Respond gives for it, rendered as the synchronous
// fake renders it.
func NewOpenAIBatch(t testing.TB, script BatchScript) *BatchServer {
	b := newBatchServer(script)
	b.Server = start(t, "/v1", func(s *Server, w http.ResponseWriter, r *http.Request) {
		req := s.record(r, func([]byte, *Request) {})
		b.mu.Lock()
		defer b.mu.Unlock()
		path := strings.TrimPrefix(r.URL.Path, "/v1/")
		parts := strings.Split(path, "/")
		switch {
		case r.Method == http.MethodPost && path == "files":
			b.openAIUpload(w, r, req.Body)
		case r.Method == http.MethodPost && path == "batches":
			b.openAICreate(w, req.Body)
		case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "batches":
			b.openAIRetrieve(w, parts[1], true)
		case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "batches" && parts[2] == "cancel":
			b.cancels++
			if fb := b.batches[parts[1]]; fb != nil {
				fb.cancelNow()
			}
			b.openAIRetrieve(w, parts[1], false)
		case r.Method == http.MethodGet && len(parts) == 3 && parts[0] == "files" && parts[2] == "content":
			content, ok := b.files[parts[1]]
			if !ok {
				openAIError(w, Reply{Status: 404, Message: "No such File object: " + parts[1]}, "", req.N)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(content)
		default:
			openAIError(w, Reply{Status: 404, Type: "invalid_request_error",
				Message: fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)}, "", req.N)
		}
	})
	return b
}

// openAIUpload stores a multipart-uploaded file.
func (b *BatchServer) openAIUpload(w http.ResponseWriter, r *http.Request, body []byte) {
	bad := func(msg string) {
		openAIError(w, Reply{Status: 400, Message: msg}, "", 0)
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		bad("expected a multipart/form-data body")
		return
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var purpose, filename string
	var content []byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad("unreadable multipart body: " + err.Error())
			return
		}
		data, _ := io.ReadAll(part)
		switch part.FormName() {
		case "purpose":
			purpose = string(data)
		case "file":
			filename, content = part.FileName(), data
		}
	}
	if purpose != "batch" || content == nil {
		bad(fmt.Sprintf("want a file with purpose batch, got purpose %q and %d bytes", purpose, len(content)))
		return
	}
	id := fmt.Sprintf("file-fake%04d", len(b.files)+1)
	b.files[id] = content
	writeJSON(w, http.StatusOK, map[string]any{
		"id": id, "object": "file", "bytes": len(content), "created_at": time.Now().Unix(),
		"filename": filename, "purpose": purpose, "status": "processed", "expires_at": nil, "status_details": nil,
	})
}

// openAICreate creates a batch from an uploaded file, validating it the
// way OpenAI does: a bad file makes a batch that fails, not an HTTP error.
func (b *BatchServer) openAICreate(w http.ResponseWriter, body []byte) {
	var p struct {
		InputFileID      string `json:"input_file_id"`
		Endpoint         string `json:"endpoint"`
		CompletionWindow string `json:"completion_window"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		openAIError(w, Reply{Status: 400, Message: "We could not parse the JSON body of your request."}, "", 0)
		return
	}
	content, ok := b.files[p.InputFileID]
	if !ok {
		openAIError(w, Reply{Status: 404, Message: "No such File object: " + p.InputFileID}, "", 0)
		return
	}
	if p.Endpoint != "/v1/chat/completions" || p.CompletionWindow != "24h" {
		openAIError(w, Reply{Status: 400, Message: fmt.Sprintf("unsupported endpoint %q or completion_window %q", p.Endpoint, p.CompletionWindow)}, "", 0)
		return
	}
	items, failed := parseOpenAIFile(content, p.Endpoint)
	if failed == "" {
		failed = b.script.Fail
	}
	fb := b.add("batch", items, failed)
	writeJSON(w, http.StatusOK, b.openAIBatch(fb, p.InputFileID))
}

// parseOpenAIFile reads the input file's lines; a bad line fails the batch.
func parseOpenAIFile(content []byte, endpoint string) ([]BatchItem, string) {
	var items []BatchItem
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		var line struct {
			CustomID string          `json:"custom_id"`
			Method   string          `json:"method"`
			URL      string          `json:"url"`
			Body     json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return nil, fmt.Sprintf("line %d: not JSON", n)
		}
		switch {
		case line.CustomID == "" || seen[line.CustomID]:
			return nil, fmt.Sprintf("line %d: custom_id %q is empty or not unique", n, line.CustomID)
		case line.Method != http.MethodPost || line.URL != endpoint:
			return nil, fmt.Sprintf("line %d: %s %s does not match the batch endpoint %s", n, line.Method, line.URL, endpoint)
		}
		seen[line.CustomID] = true
		req := Request{Method: line.Method, Path: line.URL, Body: line.Body}
		parseOpenAI(line.Body, &req)
		items = append(items, BatchItem{CustomID: line.CustomID, Request: req})
	}
	if len(items) == 0 {
		return nil, "the input file has no requests"
	}
	if len(items) > 50_000 {
		return nil, fmt.Sprintf("the input file has %d requests; the limit is 50000", len(items))
	}
	return items, ""
}

// openAIRetrieve answers a batch's state, counting the retrieve when poll
// is set.
func (b *BatchServer) openAIRetrieve(w http.ResponseWriter, id string, poll bool) {
	fb := b.batches[id]
	if fb == nil || !strings.HasPrefix(id, "batch_") {
		openAIError(w, Reply{Status: 404, Message: "No batch found with id '" + id + "'."}, "", 0)
		return
	}
	if poll && b.poll(fb) && fb.output == "" && fb.err == "" && fb.failed == "" {
		b.openAIFiles(fb)
	}
	writeJSON(w, http.StatusOK, b.openAIBatch(fb, ""))
}

// openAIStatus is fb's status word.
func openAIStatus(fb *fakeBatch) string {
	switch {
	case fb.failed != "":
		return "failed"
	case fb.cancel && fb.ended():
		return "cancelled"
	case fb.cancel:
		return "cancelling"
	case fb.ended():
		for i := range fb.items {
			if fb.fate(i) == fateExpired {
				return "expired"
			}
		}
		return "completed"
	case fb.polls == 0:
		return "validating"
	}
	return "in_progress"
}

// openAIBatch renders the batch object.
func (b *BatchServer) openAIBatch(fb *fakeBatch, inputFile string) map[string]any {
	status := openAIStatus(fb)
	done, failed := fb.counts()
	total := len(fb.items)
	var errs any
	if fb.failed != "" {
		done, failed, total = 0, 0, 0
		errs = map[string]any{"object": "list", "data": []any{map[string]any{
			"code": "invalid_request", "message": fb.failed, "param": nil, "line": nil,
		}}}
	}
	nilIfEmpty := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	at := fb.created
	return map[string]any{
		"id": fb.id, "object": "batch", "endpoint": "/v1/chat/completions", "errors": errs,
		"input_file_id": inputFile, "completion_window": "24h", "status": status,
		"output_file_id": nilIfEmpty(fb.output), "error_file_id": nilIfEmpty(fb.err),
		"created_at": at.Unix(), "in_progress_at": unixOrNil(fb.polls > 0, at),
		"expires_at": at.Add(24 * time.Hour).Unix(), "finalizing_at": nil,
		"completed_at": unixOrNil(status == "completed", at), "failed_at": unixOrNil(status == "failed", at),
		"expired_at": unixOrNil(status == "expired", at), "cancelling_at": unixOrNil(fb.cancel, at),
		"cancelled_at":   unixOrNil(status == "cancelled", at),
		"request_counts": map[string]any{"total": total, "completed": done, "failed": failed},
		"metadata":       map[string]any{},
	}
}

// openAIFiles writes an ended batch's output and error files: answers in
// the first, failed, expired and canceled requests in the second.
func (b *BatchServer) openAIFiles(fb *fakeBatch) {
	var output, errs []any
	for i, it := range fb.items {
		line := map[string]any{
			"id": fmt.Sprintf("batch_req_fake%06d", it.Request.N), "custom_id": it.CustomID,
			"response": nil, "error": nil,
		}
		reqID := fmt.Sprintf("req_fake%06d", it.Request.N)
		switch fb.fate(i) {
		case fateAnswered:
			line["response"] = map[string]any{"status_code": 200, "request_id": reqID, "body": openAICompletion(it.Request, it.reply)}
			output = append(output, line)
			continue
		case fateErrored:
			status, body := render(func(w http.ResponseWriter) { openAIError(w, it.reply, "", it.Request.N) })
			line["response"] = map[string]any{"status_code": status, "request_id": reqID, "body": body}
		case fateExpired:
			line["error"] = map[string]any{"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}
		case fateCanceled:
			line["error"] = map[string]any{"code": "batch_cancelled", "message": "This request was not executed because the batch was cancelled."}
		}
		errs = append(errs, line)
	}
	if len(output) > 0 {
		fb.output = fmt.Sprintf("file-fake%04d", len(b.files)+1)
		b.files[fb.output] = jsonl(output)
	}
	if len(errs) > 0 {
		fb.err = fmt.Sprintf("file-fake%04d", len(b.files)+1)
		b.files[fb.err] = jsonl(errs)
	}
}

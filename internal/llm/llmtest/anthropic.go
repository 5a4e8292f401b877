package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// NewAnthropic starts a fake Anthropic Messages server (POST /v1/messages);
// its URL has no /v1, as ANTHROPIC_BASE_URL does not. A decision is
// answered as a tool_use block calling the request's forced tool; answers
// carry usage, request-id and anthropic-ratelimit-* headers (1000 requests,
// 450000 input and 90000 output tokens per minute, resets as RFC 3339
// times); errors use {"type":"error","error":{"type","message"},"request_id"}.
func NewAnthropic(t testing.TB, respond Responder) *Server {
	return start(t, "", func(s *Server, w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
			anthropicError(w, Reply{Status: 404, Type: "not_found_error", Message: "Not Found"}, 0)
			return
		}
		req := s.record(r, parseAnthropic)
		rep := respond(req)
		if req.Stream && rep.Status < 400 && rep.Body == "" && !rep.Hang {
			s.streamAnthropic(w, r, req, rep)
			return
		}
		if !s.wait(r, rep) || writeRaw(w, rep) {
			return
		}
		w.Header().Set("request-id", fmt.Sprintf("req_fake%06d", req.N))
		w.Header().Set("anthropic-organization-id", "00000000-0000-4000-8000-000000000000")
		anthropicLimitHeaders(w.Header(), req.N, time.Now())
		if rep.Status >= 400 {
			anthropicError(w, rep, req.N)
			return
		}
		setHeaders(w, rep)
		s.answered(req)
		writeJSON(w, http.StatusOK, anthropicMessage(req, rep))
	})
}

// anthropicMessage renders the message answering req with rep, which is
// not an error: the body of a synchronous answer and of a batch's
// succeeded result alike.
func anthropicMessage(req Request, rep Reply) map[string]any {
	var tool struct {
		ToolChoice struct {
			Name string `json:"name"`
		} `json:"tool_choice"`
	}
	json.Unmarshal(req.Body, &tool)
	var content []any
	stop := "tool_use"
	text := rep.Content
	if text != "" {
		content = append(content, map[string]any{"type": "text", "text": text})
		stop = "end_turn"
	} else {
		input := json.RawMessage(compact(rep.Decision))
		if !json.Valid(input) {
			// The API never sends invalid JSON as a tool input; a test
			// asking for it gets the text as a JSON string instead.
			b, _ := json.Marshal(rep.Decision)
			input = b
		}
		if rep.Decision == "" {
			input = json.RawMessage("{}")
		}
		text = string(input)
		content = append(content, map[string]any{
			"type": "tool_use", "id": fmt.Sprintf("toolu_fake%06d", req.N), "name": tool.ToolChoice.Name, "input": input,
		})
	}
	if rep.Truncated {
		stop = "max_tokens"
	}
	in, out := rep.InputTokens, rep.OutputTokens
	if in == 0 {
		in = req.inputTokens()
	}
	if out == 0 {
		out = estimate(text)
	}
	read, write := req.cacheTokens(in, false)
	// Anthropic's input_tokens counts only what follows the cached prefix.
	in -= read + write
	return map[string]any{
		"id": fmt.Sprintf("msg_fake%06d", req.N), "type": "message", "role": "assistant",
		"model": req.Model, "content": content, "stop_reason": stop, "stop_sequence": nil,
		"usage": map[string]any{
			"input_tokens": in, "output_tokens": out,
			"cache_creation_input_tokens": write, "cache_read_input_tokens": read, "service_tier": "standard",
		},
	}
}

// parseAnthropic reads model, system and user texts from a Messages body.
func parseAnthropic(body []byte, req *Request) {
	var b struct {
		Model    string          `json:"model"`
		System   json.RawMessage `json:"system"`
		Tools    json.RawMessage `json:"tools"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Stream bool `json:"stream"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	req.Model, req.Stream = b.Model, b.Stream
	req.System = contentText(b.System)
	req.Prefix = anthropicPrefix(b.Tools, b.System)
	req.cacheMin = anthropicCacheMin(req.Model)
	var users []string
	for _, m := range b.Messages {
		if m.Role == "user" {
			users = append(users, contentText(m.Content))
		}
	}
	req.User = strings.Join(users, "\n")
}

// anthropicPrefix returns what a request's cache_control marks cache: the
// API renders tools, then system, so a mark on a system block caches the
// tools and the system blocks up to it; a mark on a tool caches the tools.
// It is empty when nothing is marked.
func anthropicPrefix(tools, system json.RawMessage) string {
	var blocks []struct {
		Text         string          `json:"text"`
		CacheControl json.RawMessage `json:"cache_control"`
	}
	json.Unmarshal(system, &blocks)
	var text strings.Builder
	last := -1
	for i, bl := range blocks {
		if len(bl.CacheControl) > 0 && string(bl.CacheControl) != "null" {
			last = i
		}
	}
	if last >= 0 {
		for _, bl := range blocks[:last+1] {
			text.WriteString(bl.Text)
		}
		return string(tools) + text.String()
	}
	if strings.Contains(string(tools), `"cache_control"`) {
		return string(tools)
	}
	return ""
}

// anthropicCacheMin is the shortest prompt prefix, in tokens, Anthropic
// caches for model, as its prompt-caching documentation lists them.
func anthropicCacheMin(model string) int {
	switch {
	case strings.Contains(model, "haiku-4"), strings.Contains(model, "opus-4-5"), strings.Contains(model, "opus-4-6"):
		return 4096
	case strings.Contains(model, "haiku"):
		return 2048
	default:
		return 1024
	}
}

// anthropicLimitHeaders sets the anthropic-ratelimit-* headers of every
// response; the buckets refill continuously, so each resets a second ahead.
func anthropicLimitHeaders(h http.Header, n int, now time.Time) {
	reset := now.Add(time.Second).UTC().Format(time.RFC3339)
	set := func(what string, limit, used int) {
		h.Set("anthropic-ratelimit-"+what+"-limit", strconv.Itoa(limit))
		h.Set("anthropic-ratelimit-"+what+"-remaining", strconv.Itoa(max(limit-used, 0)))
		h.Set("anthropic-ratelimit-"+what+"-reset", reset)
	}
	set("requests", 1000, n)
	set("input-tokens", 450000, 800*n)
	set("output-tokens", 90000, 100*n)
	set("tokens", 540000, 900*n)
}

// anthropicError writes an error in Anthropic's format, with the type and
// message Anthropic sends for the status unless the reply names its own.
func anthropicError(w http.ResponseWriter, rep Reply, n int) {
	status, typ, msg := rep.Status, rep.Type, rep.Message
	def := func(t, m string) {
		if typ == "" {
			typ = t
		}
		if msg == "" {
			msg = m
		}
	}
	switch {
	case rep.Code == "insufficient_quota":
		status = http.StatusBadRequest
		def("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")
	case status == 429:
		def("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.")
	case status == 529 || status == 503:
		status = 529
		def("overloaded_error", "Overloaded")
	case status == 401:
		def("authentication_error", "invalid x-api-key")
	case status == 403:
		def("permission_error", "Your API key does not have permission to use the specified resource.")
	case status == 404:
		def("not_found_error", "model: not-a-model")
	case status == 413:
		def("request_too_large", "Request exceeds the maximum allowed number of bytes.")
	case status == 400:
		def("invalid_request_error", "tools.0.custom.input_schema: JSON schema is invalid")
	case status == 504:
		def("timeout_error", "Request timed out")
	case status >= 500:
		def("api_error", "Internal server error")
	default:
		def("invalid_request_error", http.StatusText(status))
	}
	setHeaders(w, rep)
	writeJSON(w, status, map[string]any{
		"type":       "error",
		"error":      map[string]any{"type": typ, "message": msg},
		"request_id": fmt.Sprintf("req_fake%06d", n),
	})
}

// streamAnthropic answers a streamed request as Anthropic does: after the
// reply's FirstByte the headers (rate limits included) and message_start
// with the input usage, when the prompt's cache becomes readable; after
// its Delay each content block (a tool call's input as input_json_delta
// pieces, text as text_delta), then message_delta with the stop reason
// and output usage, and message_stop.
func (s *Server) streamAnthropic(w http.ResponseWriter, r *http.Request, req Request, rep Reply) {
	if !s.wait(r, Reply{Delay: rep.FirstByte}) {
		return
	}
	h := w.Header()
	h.Set("request-id", fmt.Sprintf("req_fake%06d", req.N))
	anthropicLimitHeaders(h, req.N, time.Now())
	setHeaders(w, rep)
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	whole := anthropicMessage(req, rep)
	event := func(kind string, data map[string]any) {
		data["type"] = kind
		b, _ := json.Marshal(data)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", kind, b)
	}
	usage := whole["usage"].(map[string]any)
	start := map[string]any{}
	for k, v := range whole {
		start[k] = v
	}
	start["content"], start["stop_reason"] = []any{}, nil
	start["usage"] = map[string]any{"input_tokens": usage["input_tokens"], "output_tokens": 1,
		"cache_creation_input_tokens": usage["cache_creation_input_tokens"], "cache_read_input_tokens": usage["cache_read_input_tokens"]}
	event("message_start", map[string]any{"message": start})
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.answered(req)
	if !s.wait(r, rep) {
		return
	}
	for i, block := range whole["content"].([]any) {
		b := block.(map[string]any)
		var text, deltaType, field string
		opening := map[string]any{}
		for k, v := range b {
			opening[k] = v
		}
		if b["type"] == "tool_use" {
			text, deltaType, field = string(b["input"].(json.RawMessage)), "input_json_delta", "partial_json"
			opening["input"] = map[string]any{}
		} else {
			text, deltaType, field = b["text"].(string), "text_delta", "text"
			opening["text"] = ""
		}
		event("content_block_start", map[string]any{"index": i, "content_block": opening})
		for _, piece := range pieces(text, 16) {
			event("content_block_delta", map[string]any{"index": i, "delta": map[string]any{"type": deltaType, field: piece}})
		}
		event("content_block_stop", map[string]any{"index": i})
	}
	event("message_delta", map[string]any{"delta": map[string]any{"stop_reason": whole["stop_reason"], "stop_sequence": nil},
		"usage": map[string]any{"output_tokens": usage["output_tokens"]}})
	event("message_stop", map[string]any{})
}

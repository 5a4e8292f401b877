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

// NewOpenAI starts a fake OpenAI Chat Completions server (POST
// /v1/chat/completions); its URL ends in /v1. Successful answers carry
// usage and x-ratelimit-* headers (10000 requests and 2000000 tokens per
// minute, remaining counting down); errors use OpenAI's body
// {"error":{"message","type","param","code"}}. It also serves as an
// OpenAI-compatible server (vLLM, llama.cpp, LM Studio).
func NewOpenAI(t testing.TB, respond Responder) *Server {
	return start(t, "/v1", func(s *Server, w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			openAIError(w, Reply{Status: 404, Type: "invalid_request_error",
				Message: fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)}, "", 0)
			return
		}
		req := s.record(r, parseOpenAI)
		rep := respond(req)
		if req.Stream && rep.Status < 400 && rep.Body == "" && !rep.Hang {
			s.streamOpenAI(w, r, req, rep)
			return
		}
		if !s.wait(r, rep) || writeRaw(w, rep) {
			return
		}
		w.Header().Set("x-request-id", fmt.Sprintf("req_fake%06d", req.N))
		w.Header().Set("openai-processing-ms", strconv.Itoa(int(rep.Delay/time.Millisecond)))
		w.Header().Set("openai-version", "2020-10-01")
		openAILimitHeaders(w.Header(), req.N)
		if rep.Status >= 400 {
			openAIError(w, rep, req.Header.Get("Authorization"), req.N)
			return
		}
		body := openAICompletion(req, rep)
		setHeaders(w, rep)
		s.answered(req)
		writeJSON(w, http.StatusOK, body)
	})
}

// openAICompletion renders the chat completion answering req with rep,
// which is not an error: the body of a synchronous answer and of a batch's
// output line alike.
func openAICompletion(req Request, rep Reply) map[string]any {
	content, in, out := answerText(req, rep)
	cached, _ := req.cacheTokens(in, true)
	finish := "stop"
	if rep.Truncated {
		finish = "length"
	}
	model := req.Model
	if !strings.Contains(model, "-20") {
		model += "-2025-04-14" // OpenAI answers with the dated snapshot name
	}
	body := map[string]any{
		"id":      fmt.Sprintf("chatcmpl-fake%06d", req.N),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []any{map[string]any{
			"index": 0,
			"message": map[string]any{
				"role": "assistant", "content": content, "refusal": nil, "annotations": []any{},
			},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out,
			"prompt_tokens_details":     map[string]any{"cached_tokens": cached, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
		},
		"service_tier":       "default",
		"system_fingerprint": "fp_fake",
	}
	return body
}

// parseOpenAI reads model and message texts from a Chat Completions body.
func parseOpenAI(body []byte, req *Request) {
	var b struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		ResponseFormat json.RawMessage `json:"response_format"`
		Stream         bool            `json:"stream"`
	}
	if json.Unmarshal(body, &b) != nil {
		return
	}
	req.Model, req.Stream = b.Model, b.Stream
	defer func() {
		// OpenAI puts the structured-output schema before the system
		// message, and caches any prompt of 1024 tokens or more.
		req.Prefix = string(b.ResponseFormat) + req.System
		req.cacheMin = 1024
	}()
	var users []string
	for _, m := range b.Messages {
		text := contentText(m.Content)
		switch m.Role {
		case "system", "developer":
			req.System += text
		case "user":
			users = append(users, text)
		}
	}
	req.User = strings.Join(users, "\n")
}

// contentText reads message content given as a string or as an array of
// {"type":"text","text":...} parts.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// openAILimitHeaders sets the x-ratelimit-* headers OpenAI sends on every
// response, with the remaining counts going down per request.
func openAILimitHeaders(h http.Header, n int) {
	h.Set("x-ratelimit-limit-requests", "10000")
	h.Set("x-ratelimit-remaining-requests", strconv.Itoa(max(10000-n, 0)))
	h.Set("x-ratelimit-reset-requests", "6ms")
	h.Set("x-ratelimit-limit-tokens", "2000000")
	h.Set("x-ratelimit-remaining-tokens", strconv.Itoa(max(2000000-1000*n, 0)))
	h.Set("x-ratelimit-reset-tokens", "30ms")
}

// openAIError writes an error in OpenAI's format, with the code, type and
// message OpenAI sends for the status unless the reply names its own.
func openAIError(w http.ResponseWriter, rep Reply, auth string, n int) {
	status, code, typ, msg := rep.Status, rep.Code, rep.Type, rep.Message
	if status == 529 {
		status = http.StatusServiceUnavailable // OpenAI's overload status
	}
	def := func(c, t, m string) {
		if code == "" {
			code = c
		}
		if typ == "" {
			typ = t
		}
		if msg == "" {
			msg = m
		}
	}
	switch {
	case code == "insufficient_quota":
		def("", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.")
	case status == 429:
		def("rate_limit_exceeded", "requests", "Rate limit reached for gpt-4.1-mini in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.")
	case status == 401:
		def("invalid_api_key", "invalid_request_error", "Incorrect API key provided: "+maskKey(strings.TrimPrefix(auth, "Bearer "))+". You can find your API key at https://platform.openai.com/account/api-keys.")
	case status == 403:
		def("unsupported_country_region_territory", "request_forbidden", "Country, region, or territory not supported")
	case status == 404:
		def("model_not_found", "invalid_request_error", "The model does not exist or you do not have access to it.")
	case status == 400:
		def("", "invalid_request_error", "Invalid schema for response_format 'telemetry_decision'.")
	case status == 503:
		def("", "server_error", "The server is overloaded or not ready yet.")
	case status >= 500:
		def("", "server_error", "The server had an error while processing your request. Sorry about that!")
	default:
		def("", "invalid_request_error", http.StatusText(status))
	}
	var codeValue any
	if code != "" {
		codeValue = code
	}
	setHeaders(w, rep)
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": codeValue,
	}})
}

// maskKey shows a key the way OpenAI's invalid-key message does: its start,
// stars, and its last four characters.
func maskKey(key string) string {
	if len(key) <= 8 {
		return strings.Repeat("*", len(key))
	}
	return key[:min(8, len(key)-4)] + strings.Repeat("*", len(key)-min(8, len(key)-4)-4) + key[len(key)-4:]
}

// writeJSON sends v as a JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// streamOpenAI answers a streamed request as OpenAI does: the headers
// (rate limits included) and a first chunk with the assistant's role
// after the reply's FirstByte, then, after its Delay (the model writing),
// the content in
// pieces, a chunk with the finish reason, one with the usage when the
// request asked for it, and [DONE].
func (s *Server) streamOpenAI(w http.ResponseWriter, r *http.Request, req Request, rep Reply) {
	if !s.wait(r, Reply{Delay: rep.FirstByte}) {
		return
	}
	h := w.Header()
	h.Set("x-request-id", fmt.Sprintf("req_fake%06d", req.N))
	h.Set("openai-version", "2020-10-01")
	openAILimitHeaders(h, req.N)
	setHeaders(w, rep)
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	whole := openAICompletion(req, rep)
	choice := whole["choices"].([]any)[0].(map[string]any)
	content := choice["message"].(map[string]any)["content"].(string)
	chunk := func(delta map[string]any, finish any, usage any) {
		c := map[string]any{"id": whole["id"], "object": "chat.completion.chunk", "created": whole["created"], "model": whole["model"],
			"service_tier": "default", "system_fingerprint": "fp_fake", "usage": usage, "choices": []any{}}
		if delta != nil {
			c["choices"] = []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}}
		}
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil, nil)
	flush()
	if !s.wait(r, rep) {
		return
	}
	for _, piece := range pieces(content, 16) {
		chunk(map[string]any{"content": piece}, nil, nil)
	}
	chunk(map[string]any{}, choice["finish_reason"], nil)
	if strings.Contains(string(req.Body), `"include_usage":true`) {
		chunk(nil, nil, whole["usage"])
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	s.answered(req)
}

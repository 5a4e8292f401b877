package bench

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// handleOpenAI serves POST .../chat/completions in OpenAI's wire format,
// so the real command line (its OpenAI client, validation and engine) can
// be measured against the same limits and faults as the Go runners. A
// request's work derives from a hash of its user message: prompt tokens
// from its length (four bytes a token, as the tool estimates), output
// tokens and service time from WorkFor. The answer is a valid Decision for
// the construct the message describes.
func (s *Sim) handleOpenAI(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&body) != nil {
		http.Error(w, `{"error":{"message":"invalid JSON body","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	var user string
	size := 0
	for _, m := range body.Messages {
		size += len(m.Content)
		if m.Role == "user" {
			user = m.Content
		}
	}
	id := workID(user)
	work := WorkFor(s.cfg.Seed, id, s.cfg.Median)
	req := simRequest{ID: id, Prompt: (size + 3) / 4, Output: work.OutputTokens, ServiceUS: work.Service.Microseconds()}
	s.serve(w, r, req, openAIFormat{model: body.Model, user: user})
}

var benchName = regexp.MustCompile(`(?m)^Name: scale_(\d+)$`)

// workID is the request's id for WorkFor: the function's number in the
// bench's generated project, so the command line and the peers, whose
// messages differ in wording, get the same service times; any other
// message gets a hash of its text.
func workID(user string) int {
	if m := benchName.FindStringSubmatch(user); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	h := fnv.New32a()
	h.Write([]byte(user))
	return int(h.Sum32() & 0x7fffffff)
}

// openAIFormat writes chat completions.
type openAIFormat struct{ model, user string }

func (f openAIFormat) ok(w http.ResponseWriter, req simRequest) {
	f.write(w, req, decisionFor(f.user))
}

func (f openAIFormat) malformed(w http.ResponseWriter, req simRequest) {
	f.write(w, req, `{"span_name": "trunc`)
}

func (f openAIFormat) write(w http.ResponseWriter, req simRequest, content string) {
	body := map[string]any{
		"id": fmt.Sprintf("chatcmpl-sim%d", req.ID), "object": "chat.completion", "created": time.Now().Unix(), "model": f.model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content, "refusal": nil}}},
		"usage": map[string]any{"prompt_tokens": req.Prompt, "completion_tokens": req.Output, "total_tokens": req.Prompt + req.Output},
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

var (
	metaLine     = regexp.MustCompile(`(?m)^(Kind|Qualified name|Name): (.*)$`)
	badNameChars = regexp.MustCompile(`[^A-Za-z0-9_.:-]`)
)

// decisionFor answers the construct a user message describes with a valid
// Decision: a span named after a function, an iteration count for a loop,
// nothing recorded for a variable.
func decisionFor(user string) string {
	meta := map[string]string{}
	for _, m := range metaLine.FindAllStringSubmatch(user, -1) {
		if _, seen := meta[m[1]]; !seen {
			meta[m[1]] = strings.TrimSpace(m[2])
		}
	}
	name := meta["Qualified name"]
	if name == "" {
		name = meta["Name"]
	}
	name = "sim." + badNameChars.ReplaceAllString(name, "_")
	if len(name) > 120 {
		name = name[:120]
	}
	d := map[string]any{
		"skip": false, "reason": "", "name": name, "attributes": []string{},
		"record_exceptions": meta["Kind"] == "function", "count_iterations": meta["Kind"] == "loop",
		"record_value": false, "sensitive": false,
	}
	b, _ := json.Marshal(d)
	return string(b)
}

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

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
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
		Stream bool `json:"stream"`
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
	if sections := groupSections(user); len(sections) > 0 {
		id, output, service := groupWork(s.cfg.Seed, s.cfg.Median, sections)
		req := simRequest{ID: id, Prompt: (size + 3) / 4, Output: output, ServiceUS: service.Microseconds()}
		s.serve(w, r, req, openAIFormat{model: body.Model, sections: sections, stream: body.Stream})
		return
	}
	id := workID(user)
	work := WorkFor(s.cfg.Seed, id, s.cfg.Median)
	req := simRequest{ID: id, Prompt: (size + 3) / 4, Output: work.OutputTokens, ServiceUS: work.Service.Microseconds()}
	s.serve(w, r, req, openAIFormat{model: body.Model, user: user, stream: body.Stream})
}

// decodeShare is the part of a single answer's service time spent
// decoding its decision; the rest (queueing, prefill, the first token) a
// request pays once however many decisions it holds. A model decodes one
// token after another, so a grouped answer takes about as long as its
// members' decisions one after the other: for gpt-4o-mini, a decision of
// about 70 tokens at about 100 tokens a second after a first token at
// about 0.4 s gives roughly this share.
const decodeShare = 0.65

// groupWork is a grouped request's work: the first member's id names it,
// its output is every member's decision, and its service time is the
// fixed part of the first member's plus the decoding of every member's
// (see decodeShare), so grouping saves input tokens but not time.
func groupWork(seed uint64, median time.Duration, sections []groupSection) (id, output int, service time.Duration) {
	for i, sec := range sections {
		work := WorkFor(seed, workID(sec.text), median)
		if i == 0 {
			id = workID(sec.text)
			service = time.Duration((1 - decodeShare) * float64(work.Service))
		}
		output += work.OutputTokens + 3 // and its "id"
		service += time.Duration(decodeShare * float64(work.Service))
	}
	return id, output, service
}

// groupSection is one construct's part of a grouped user message: its id
// in the request and its text.
type groupSection struct{ id, text string }

var groupHeader = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prompt.GroupMarker) + `(\S+) ===$`)

// groupSections splits a grouped user message (prompt.BuildGroup) into its
// constructs' sections; a single request's message has none.
func groupSections(user string) []groupSection {
	idx := groupHeader.FindAllStringSubmatchIndex(user, -1)
	out := make([]groupSection, len(idx))
	for i, m := range idx {
		end := len(user)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		out[i] = groupSection{id: user[m[2]:m[3]], text: user[m[1]:end]}
	}
	return out
}

var benchName = regexp.MustCompile(`(?m)^(?:Name|Qualified name): (?:\S+\.)?scale_(\d+)$`)

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

// openAIFormat writes chat completions: one decision for a single
// request's user message, or a list of them for a grouped one's sections.
type openAIFormat struct {
	model, user string
	sections    []groupSection
	stream      bool
}

func (f openAIFormat) streams() bool { return f.stream }

// start sends a streamed answer's headers (the rate limits set at
// admission among them) and its first chunk.
func (f openAIFormat) start(w http.ResponseWriter, req simRequest) {
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	f.chunk(w, req.ID, map[string]any{"role": "assistant", "content": ""}, nil, nil)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

func (f openAIFormat) chunk(w http.ResponseWriter, id int, delta map[string]any, finish, usage any) {
	c := map[string]any{"id": fmt.Sprintf("chatcmpl-sim%d", id), "object": "chat.completion.chunk", "created": time.Now().Unix(),
		"model": f.model, "choices": []any{}, "usage": usage}
	if delta != nil {
		c["choices"] = []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}
	}
	b, _ := json.Marshal(c)
	fmt.Fprintf(w, "data: %s\n\n", b)
}

func (f openAIFormat) ok(w http.ResponseWriter, req simRequest) {
	if len(f.sections) == 0 {
		f.write(w, req, decisionFor(f.user))
		return
	}
	var ds []json.RawMessage
	for _, sec := range f.sections {
		id, _ := json.Marshal(sec.id)
		d := decisionFor(sec.text)
		ds = append(ds, json.RawMessage(`{"id":`+string(id)+`,`+d[1:]))
	}
	b, _ := json.Marshal(map[string]any{"decisions": ds})
	f.write(w, req, string(b))
}

func (f openAIFormat) malformed(w http.ResponseWriter, req simRequest) {
	f.write(w, req, `{"span_name": "trunc`)
}

func (f openAIFormat) write(w http.ResponseWriter, req simRequest, content string) {
	usage := map[string]any{"prompt_tokens": req.Prompt, "completion_tokens": req.Output, "total_tokens": req.Prompt + req.Output}
	if f.stream {
		f.chunk(w, req.ID, map[string]any{"content": content}, nil, nil)
		f.chunk(w, req.ID, map[string]any{}, "stop", nil)
		f.chunk(w, req.ID, nil, nil, usage)
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	body := map[string]any{
		"id": fmt.Sprintf("chatcmpl-sim%d", req.ID), "object": "chat.completion", "created": time.Now().Unix(), "model": f.model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content, "refusal": nil}}},
		"usage": usage,
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

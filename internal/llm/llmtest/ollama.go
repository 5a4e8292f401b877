package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// OllamaModel describes a model the fake Ollama server holds, as its
// /api/tags, /api/show and /api/ps report it.
type OllamaModel struct {
	// Name is the tag, e.g. "llama3.2:latest".
	Name string
	// Family and Quantization fill details.family and
	// details.quantization_level ("llama", "Q4_K_M").
	Family, Quantization string
	// ParameterSize is the rounded size Ollama shows ("3.2B").
	ParameterSize string
	// ParameterCount is model_info's general.parameter_count.
	ParameterCount int64
	// Size is the model's size on disk in bytes (/api/tags).
	Size int64
	// ContextLength is the context the model was trained for
	// (model_info's <family>.context_length).
	ContextLength int
	// BlockCount, HeadCount, HeadCountKV and EmbeddingLength are the
	// architecture numbers a KV-cache estimate needs.
	BlockCount, HeadCount, HeadCountKV, EmbeddingLength int
	// Loaded lists the model in /api/ps, with SizeVRAM bytes in GPU memory
	// and LoadedContext as the context it was loaded with.
	Loaded        bool
	SizeVRAM      int64
	LoadedContext int
}

// Llama32 returns llama3.2:latest (3B, Q4_K_M) with the numbers a real
// Ollama reports for it, loaded fully on the GPU with a 4096 context.
func Llama32() OllamaModel {
	return OllamaModel{
		Name: "llama3.2:latest", Family: "llama", Quantization: "Q4_K_M",
		ParameterSize: "3.2B", ParameterCount: 3212749888, Size: 2019393189,
		ContextLength: 131072, BlockCount: 28, HeadCount: 24, HeadCountKV: 8, EmbeddingLength: 3072,
		Loaded: true, SizeVRAM: 3519350784, LoadedContext: 4096,
	}
}

// OllamaVersion is the version the fake Ollama reports at /api/version.
const OllamaVersion = "0.17.4"

// NewOllama starts a fake Ollama server: POST /api/chat (scripted by
// respond; streamed as NDJSON unless the request says "stream": false, as
// Ollama does), and /api/tags, /api/show, /api/ps, /api/version and / for
// the given models (Llama32 when none is given). A chat naming a model the
// server does not hold gets Ollama's 404. Errors are {"error": "..."}; an
// Overloaded reply (503 or 529) is Ollama's "server busy" 503.
func NewOllama(t testing.TB, respond Responder, models ...OllamaModel) *Server {
	if len(models) == 0 {
		models = []OllamaModel{Llama32()}
	}
	find := func(name string) (OllamaModel, bool) {
		if !strings.Contains(name, ":") {
			name += ":latest"
		}
		for _, m := range models {
			if m.Name == name {
				return m, true
			}
		}
		return OllamaModel{}, false
	}
	return start(t, "", func(s *Server, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "Ollama is running")
		case r.URL.Path == "/api/version" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, map[string]string{"version": OllamaVersion})
		case r.URL.Path == "/api/tags" && r.Method == http.MethodGet:
			var list api.ListResponse
			for _, m := range models {
				list.Models = append(list.Models, api.ListModelResponse{
					Name: m.Name, Model: m.Name, ModifiedAt: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
					Size: m.Size, Digest: digest(m.Name), Details: details(m),
				})
			}
			writeJSON(w, http.StatusOK, list)
		case r.URL.Path == "/api/ps" && r.Method == http.MethodGet:
			ps := api.ProcessResponse{Models: []api.ProcessModelResponse{}}
			for _, m := range models {
				if m.Loaded {
					ps.Models = append(ps.Models, api.ProcessModelResponse{
						Name: m.Name, Model: m.Name, Size: max(m.SizeVRAM, m.Size), Digest: digest(m.Name),
						Details: details(m), ExpiresAt: time.Now().Add(5 * time.Minute),
						SizeVRAM: m.SizeVRAM, ContextLength: m.LoadedContext,
					})
				}
			}
			writeJSON(w, http.StatusOK, ps)
		case r.URL.Path == "/api/show" && r.Method == http.MethodPost:
			var req api.ShowRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			name := req.Model
			if name == "" {
				name = req.Name
			}
			m, ok := find(name)
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model '%s' not found", name)})
				return
			}
			writeJSON(w, http.StatusOK, show(m))
		case r.URL.Path == "/api/chat" && r.Method == http.MethodPost:
			ollamaChat(s, w, r, respond, find)
		default:
			http.NotFound(w, r) // Ollama's router answers unknown paths with plain "404 page not found"
		}
	})
}

// ollamaChat answers one /api/chat request.
func ollamaChat(s *Server, w http.ResponseWriter, r *http.Request, respond Responder, find func(string) (OllamaModel, bool)) {
	req := s.record(r, parseOllama)
	var opts struct {
		Stream *bool `json:"stream"`
	}
	json.Unmarshal(req.Body, &opts)
	if _, ok := find(req.Model); !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model %q not found, try pulling it first", req.Model)})
		return
	}
	rep := respond(req)
	if !s.wait(r, rep) || writeRaw(w, rep) {
		return
	}
	if rep.Status >= 400 {
		status, msg := rep.Status, rep.Message
		switch {
		case status == 529 || status == 503:
			status = http.StatusServiceUnavailable
			if msg == "" {
				msg = "server busy, please try again.  maximum pending requests exceeded"
			}
		case msg == "" && status >= 500:
			msg = "llama runner process has terminated: exit status 2"
		case msg == "":
			msg = http.StatusText(status)
		}
		setHeaders(w, rep)
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	content, in, out := answerText(req, rep)
	reason := "stop"
	if rep.Truncated {
		reason = "length"
	}
	now := time.Now().UTC()
	final := api.ChatResponse{
		Model: req.Model, CreatedAt: now, Done: true, DoneReason: reason,
		Message: api.Message{Role: "assistant", Content: content},
		Metrics: api.Metrics{
			TotalDuration: 120 * time.Millisecond, LoadDuration: 5 * time.Millisecond,
			PromptEvalCount: in, PromptEvalDuration: 20 * time.Millisecond,
			EvalCount: out, EvalDuration: 90 * time.Millisecond,
		},
	}
	setHeaders(w, rep)
	if opts.Stream != nil && !*opts.Stream {
		writeJSON(w, http.StatusOK, final)
		return
	}
	// Streaming: the content in a first chunk, then the empty final chunk
	// with the metrics, one JSON object per line.
	w.Header().Set("Content-Type", "application/x-ndjson")
	chunk := api.ChatResponse{Model: req.Model, CreatedAt: now, Message: api.Message{Role: "assistant", Content: content}}
	final.Message.Content = ""
	enc := json.NewEncoder(w)
	enc.Encode(chunk)
	enc.Encode(final)
}

// parseOllama reads model and message texts from an /api/chat body.
func parseOllama(body []byte, req *Request) {
	var b api.ChatRequest
	if json.Unmarshal(body, &b) != nil {
		return
	}
	req.Model = b.Model
	var users []string
	for _, m := range b.Messages {
		switch m.Role {
		case "system":
			req.System += m.Content
		case "user":
			users = append(users, m.Content)
		}
	}
	req.User = strings.Join(users, "\n")
}

func details(m OllamaModel) api.ModelDetails {
	return api.ModelDetails{
		Format: "gguf", Family: m.Family, Families: []string{m.Family},
		ParameterSize: m.ParameterSize, QuantizationLevel: m.Quantization,
	}
}

// show builds /api/show's answer with the model_info keys real GGUF models
// carry, named after the architecture as Ollama names them.
func show(m OllamaModel) api.ShowResponse {
	arch := m.Family
	info := map[string]any{
		"general.architecture":            arch,
		"general.parameter_count":         m.ParameterCount,
		"general.file_type":               15,
		"general.quantization_version":    2,
		arch + ".context_length":          m.ContextLength,
		arch + ".block_count":             m.BlockCount,
		arch + ".embedding_length":        m.EmbeddingLength,
		arch + ".attention.head_count":    m.HeadCount,
		arch + ".attention.head_count_kv": m.HeadCountKV,
	}
	if m.HeadCount > 0 {
		info[arch+".attention.key_length"] = m.EmbeddingLength / m.HeadCount
		info[arch+".attention.value_length"] = m.EmbeddingLength / m.HeadCount
	}
	resp := api.ShowResponse{
		License:    "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT",
		Modelfile:  "# Modelfile generated by \"ollama show\"\nFROM " + m.Name + "\n",
		Parameters: "stop                           \"<|start_header_id|>\"\nstop                           \"<|end_header_id|>\"\nstop                           \"<|eot_id|>\"",
		Template:   "<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>",
		Details:    details(m),
		ModelInfo:  info,
		ModifiedAt: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
	}
	// Decoded rather than assigned so that only the api package is named.
	if err := json.Unmarshal([]byte(`["completion","tools"]`), &resp.Capabilities); err != nil {
		panic(err)
	}
	return resp
}

// digest gives each model a stable fake sha256-length digest.
func digest(name string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 64)
	h := uint32(2166136261)
	for i := range b {
		h ^= uint32(name[i%len(name)])
		h *= 16777619
		b[i] = hex[h%16]
	}
	return string(b)
}

package capability

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ollama/ollama/api"
)

// ollamaModel is what an Ollama server says about one model.
type ollamaModel struct {
	arch         string
	paramCount   int64
	paramSize    string // "8.0B"
	quant        string // "Q4_0"
	trainCtx     int    // <arch>.context_length
	layers       int    // <arch>.block_count
	kvHeadsTotal int    // Σ over layers of <arch>.attention.head_count_kv
	kvPerLayer   bool   // head_count_kv was given layer by layer
	keyLen       int    // per-head K width
	valueLen     int    // per-head V width
	numCtxParam  int    // num_ctx set in the Modelfile, 0 if none
	diskSize     int64  // /api/tags size (the weights)
	loaded       bool   // listed by /api/ps
	loadedSize   int64  // /api/ps size
	loadedVRAM   int64  // /api/ps size_vram
	loadedCtx    int    // /api/ps context_length
}

// kvPerToken is the K and V bytes one token of context costs.
func (m ollamaModel) kvPerToken(bytesPerElement float64) float64 {
	return float64(m.kvHeadsTotal) * float64(m.keyLen+m.valueLen) * bytesPerElement
}

// KVCachePerSlot returns the bytes of KV cache one parallel request slot
// needs: 2 (K and V) × layers × kvHeads × headDim × contextTokens ×
// bytesPerElement. With llama3 8B (32 layers, 8 KV heads, head dim 128) at
// 8192 tokens and f16 (2 bytes) that is exactly 1 GiB.
func KVCachePerSlot(layers, kvHeads, headDim, contextTokens int, bytesPerElement float64) int64 {
	return int64(2 * float64(layers) * float64(kvHeads) * float64(headDim) * float64(contextTokens) * bytesPerElement)
}

// probeOllama asks one server about model through the official client:
// /api/show for the architecture, /api/tags for the size on disk, /api/ps
// for what is loaded. Only /api/show failing is an error; the other two
// only lose detail.
func probeOllama(ctx context.Context, hc *http.Client, base, model string) (ollamaModel, []string, error) {
	u, err := ollamaBase(base)
	if err != nil {
		return ollamaModel{}, nil, err
	}
	c := api.NewClient(u, hc)
	var m ollamaModel
	var notes []string
	show, err := c.Show(ctx, &api.ShowRequest{Model: model})
	if err != nil {
		var se api.StatusError
		if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
			return m, nil, fmt.Errorf("model %q is not on the server (ollama pull %s)", model, model)
		}
		return m, nil, fmt.Errorf("asking %s/api/show: %w", u, err)
	}
	m.paramSize, m.quant = show.Details.ParameterSize, show.Details.QuantizationLevel
	m.numCtxParam = numCtxParameter(show.Parameters)
	readModelInfo(&m, show.ModelInfo)

	if list, err := c.List(ctx); err != nil {
		notes = append(notes, fmt.Sprintf("/api/tags failed (%v): model size unknown", err))
	} else {
		for _, lm := range list.Models {
			if sameModel(lm.Name, model) || sameModel(lm.Model, model) {
				m.diskSize = lm.Size
				break
			}
		}
	}
	if ps, err := c.ListRunning(ctx); err != nil {
		notes = append(notes, fmt.Sprintf("/api/ps failed (%v)", err))
	} else {
		for _, pm := range ps.Models {
			if sameModel(pm.Name, model) || sameModel(pm.Model, model) {
				m.loaded, m.loadedSize, m.loadedVRAM, m.loadedCtx = true, pm.Size, pm.SizeVRAM, pm.ContextLength
				break
			}
		}
	}
	return m, notes, nil
}

// readModelInfo takes the GGUF keys /api/show returns in model_info.
func readModelInfo(m *ollamaModel, info map[string]any) {
	m.arch, _ = info["general.architecture"].(string)
	if v, ok := number(info["general.parameter_count"]); ok {
		m.paramCount = int64(v)
	}
	a := m.arch + "."
	if v, ok := number(info[a+"context_length"]); ok {
		m.trainCtx = int(v)
	}
	if v, ok := number(info[a+"block_count"]); ok {
		m.layers = int(v)
	}
	heads, _ := number(info[a+"attention.head_count"])
	embd, _ := number(info[a+"embedding_length"])
	// head_count_kv is one number, or one per layer for models that mix
	// attention layouts; either way what counts is the sum over layers.
	switch v := info[a+"attention.head_count_kv"].(type) {
	case []any:
		m.kvPerLayer = true
		for _, h := range v {
			if n, ok := number(h); ok {
				m.kvHeadsTotal += int(n)
			}
		}
	default:
		if n, ok := number(v); ok {
			m.kvHeadsTotal = int(n) * m.layers
		} else {
			m.kvHeadsTotal = int(heads) * m.layers // no GQA: every head has its K and V
		}
	}
	// Architectures whose head width is not embedding/heads say so.
	if heads > 0 {
		m.keyLen, m.valueLen = int(embd/heads), int(embd/heads)
	}
	if v, ok := number(info[a+"attention.key_length"]); ok {
		m.keyLen = int(v)
	}
	if v, ok := number(info[a+"attention.value_length"]); ok {
		m.valueLen = int(v)
	}
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// numCtxParameter finds "num_ctx 8192" in /api/show's parameters text.
func numCtxParameter(params string) int {
	for _, line := range strings.Split(params, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "num_ctx" {
			if n, err := strconv.Atoi(f[1]); err == nil {
				return n
			}
		}
	}
	return 0
}

// sameModel compares Ollama names, where "llama3" means "llama3:latest".
func sameModel(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !strings.Contains(s[strings.LastIndex(s, "/")+1:], ":") {
			s += ":latest"
		}
		return s
	}
	return norm(a) == norm(b)
}

// ollamaBase turns a configured base URL into the server root the api
// client expects: users often paste the OpenAI-compatible ".../v1".
func ollamaBase(base string) (*url.URL, error) {
	if base == "" {
		base = DefaultOllamaURL
	}
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("Ollama base URL %q: %w", base, err)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1"), "/api")
	return u, nil
}

// DefaultOllamaURL is Ollama's own default address.
const DefaultOllamaURL = "http://127.0.0.1:11434"

// isLocal says whether a base URL points at this machine, where the GPUs
// nvidia-smi and rocm-smi see are the server's.
func isLocal(base string) bool {
	u, err := ollamaBase(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "" || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

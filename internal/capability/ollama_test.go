package capability

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/models"
)

// fakeOllama answers /api/show, /api/tags and /api/ps with captured
// response bodies, as an Ollama server does; ps names the /api/ps file.
func fakeOllama(t *testing.T, ps string) *httptest.Server {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "ollama", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/show", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model string `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		if req.Model != "llama3" && req.Model != "llama3:latest" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"model '` + req.Model + `' not found"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(read("show_llama3.json"))
	})
	mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(read("tags.json"))
	})
	mux.HandleFunc("GET /api/ps", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(read(ps))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func embeddedTable(t *testing.T) *models.Table {
	t.Helper()
	tab, err := models.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestKVCachePerSlotLlama3(t *testing.T) {
	// llama3 8B: 32 layers, 8 KV heads, head dim 128, 8192 tokens, f16.
	if got := KVCachePerSlot(32, 8, 128, 8192, 2); got != 1<<30 {
		t.Errorf("KVCachePerSlot = %d, want 1 GiB (%d)", got, 1<<30)
	}
	// The same from model_info as /api/show returns it.
	var show struct {
		ModelInfo map[string]any `json:"model_info"`
	}
	data, err := os.ReadFile("testdata/ollama/show_llama3.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &show); err != nil {
		t.Fatal(err)
	}
	var m ollamaModel
	readModelInfo(&m, show.ModelInfo)
	if got := int64(m.kvPerToken(2) * 8192); got != 1<<30 {
		t.Errorf("from model_info: %d bytes per slot, want 1 GiB; model %+v", got, m)
	}
	// Per-layer KV heads and explicit K/V widths (mixed-attention models).
	m = ollamaModel{}
	readModelInfo(&m, map[string]any{
		"general.architecture":        "mix",
		"mix.block_count":             4.0,
		"mix.attention.head_count":    8.0,
		"mix.embedding_length":        1024.0,
		"mix.attention.head_count_kv": []any{2.0, 0.0, 2.0, 4.0},
		"mix.attention.key_length":    192.0,
		"mix.attention.value_length":  128.0,
	})
	if got := m.kvPerToken(2); got != 8*(192+128)*2 {
		t.Errorf("per-layer heads: %g bytes per token, want %d", got, 8*(192+128)*2)
	}
}

func TestDetectOllamaLocalGPU(t *testing.T) {
	fakePath(t, map[string]tool{"nvidia-smi": {output: "nvidia_1gpu.txt"}})
	srv := fakeOllama(t, "ps_empty.json")
	r := Detect(context.Background(), Input{
		Provider: "ollama", Model: "llama3", BaseURLs: []string{srv.URL},
		Models: embeddedTable(t), HTTPClient: srv.Client(), NumCtx: 8192,
	})
	// 24564 MiB − 4661224676 B model − (512 MiB + 10% of the model)
	// leaves 18.7 GiB; at 1 GiB per slot that is 18 slots.
	if r.Parallel != 18 {
		t.Errorf("Parallel = %d, want 18; details:\n%s", r.Parallel, strings.Join(r.Details, "\n"))
	}
	want := "1x NVIDIA GeForce RTX 4090 with 24.0GiB, model size 4.3GiB, KV cache 1.0GiB per slot (8192 tokens) → 18 parallel requests"
	if r.Reason != want {
		t.Errorf("Reason\n got %q\nwant %q", r.Reason, want)
	}
	if r.ContextWindow != 8192 || r.RPM != 0 || r.Entry.Cost(1000, 1000, false) != 0 || len(r.GPUs) != 1 {
		t.Errorf("report %+v", r)
	}
	details := strings.Join(r.Details, "\n")
	for _, w := range []string{"8.0B parameters", "Q4_0", "32 layers", "not loaded yet", "2 × 32 layers × 8 KV heads × 128 head dim × 8192 tokens", "OLLAMA_NUM_PARALLEL"} {
		if !strings.Contains(details, w) {
			t.Errorf("details lack %q:\n%s", w, details)
		}
	}
}

func TestDetectOllamaEightGPUsClampsAndCaps(t *testing.T) {
	fakePath(t, map[string]tool{"nvidia-smi": {output: "nvidia_8gpu.txt"}})
	srv := fakeOllama(t, "ps_empty.json")
	in := Input{Provider: "ollama", Model: "llama3:latest", BaseURLs: []string{srv.URL + "/v1"}, Models: embeddedTable(t), HTTPClient: srv.Client()}
	r := Detect(context.Background(), in)
	// 128 GiB would hold over 100 slots of the 8192-token context (the
	// VRAM default of 262144 is capped at the model's trained 8192).
	if r.Parallel != MaxSlots || !strings.Contains(r.Reason, "8x Tesla V100-SXM2-16GB with 16.0GiB each") || r.ContextWindow != 8192 {
		t.Errorf("Parallel %d, context %d, Reason %q", r.Parallel, r.ContextWindow, r.Reason)
	}
	in.MaxParallel = 6
	r = Detect(context.Background(), in)
	if r.Parallel != 6 || !strings.HasSuffix(r.Reason, "capped to 6 by --max-parallel") {
		t.Errorf("with --max-parallel 6: %d, %q", r.Parallel, r.Reason)
	}
}

func TestDetectOllamaLoadedModel(t *testing.T) {
	fakePath(t, map[string]tool{"nvidia-smi": {output: "nvidia_1gpu.txt"}})
	srv := fakeOllama(t, "ps_partial.json")
	in := Input{Provider: "ollama", Model: "llama3", BaseURLs: []string{srv.URL}, Models: embeddedTable(t), HTTPClient: srv.Client()}
	if r := Detect(context.Background(), in); r.Parallel != 1 || !strings.Contains(r.Reason, "only 3.0GiB of it in VRAM") {
		t.Errorf("partly offloaded: %d, %q", r.Parallel, r.Reason)
	}
	srv = fakeOllama(t, "ps_loaded.json")
	in.BaseURLs = []string{srv.URL}
	r := Detect(context.Background(), in)
	// The loaded context (4096) halves the slot: 0.5 GiB. The budget is
	// 18.7 GiB, but free VRAM (23898 MiB) plus the model's own 6.2 GiB is
	// more than that, so the total rules: 37 slots, clamped to 32.
	if r.Parallel != MaxSlots || r.ContextWindow != 4096 || !strings.Contains(r.Reason, "KV cache 0.5GiB per slot (4096 tokens)") {
		t.Errorf("loaded: %d, ctx %d, %q", r.Parallel, r.ContextWindow, r.Reason)
	}
}

func TestDetectOllamaWithoutUsefulAnswers(t *testing.T) {
	fakePath(t, map[string]tool{})
	srv := fakeOllama(t, "ps_empty.json")
	tab := embeddedTable(t)
	cases := []struct {
		name, model, url, want string
	}{
		{"no GPU", "llama3", srv.URL, "no GPU with known VRAM found"},
		{"model missing", "mistral", srv.URL, `model "mistral" is not on the server (ollama pull mistral)`},
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	cases = append(cases, struct{ name, model, url, want string }{"server down", "llama3", dead.URL, "asking " + dead.URL + "/api/show"})
	for _, c := range cases {
		r := Detect(context.Background(), Input{Provider: "ollama", Model: c.model, BaseURLs: []string{c.url}, Models: tab, HTTPClient: srv.Client()})
		if r.Parallel != DefaultParallel || !strings.Contains(r.Reason, c.want) || !strings.Contains(r.Reason, "default 4 parallel requests") {
			t.Errorf("%s: %d, %q", c.name, r.Parallel, r.Reason)
		}
	}
}

func TestOllamaRemoteAndSeveralServers(t *testing.T) {
	fakePath(t, map[string]tool{"nvidia-smi": {output: "nvidia_1gpu.txt"}})
	srv := fakeOllama(t, "ps_empty.json")
	// A remote server is one whose GPUs nvidia-smi cannot see; the fake
	// is on loopback, so the remote case is driven one level down.
	h, numCtx, details := sizeOllamaHost(context.Background(), Input{Model: "llama3", HTTPClient: srv.Client()}, srv.URL, false, nil)
	if h.Parallel != DefaultParallel || !strings.Contains(h.Reason, "remote Ollama server") || numCtx != 4096 || len(details) == 0 {
		t.Errorf("remote: %+v, ctx %d", h, numCtx)
	}
	other := fakeOllama(t, "ps_empty.json")
	r := Detect(context.Background(), Input{Provider: "ollama", Model: "llama3", BaseURLs: []string{srv.URL, other.URL}, Models: embeddedTable(t), HTTPClient: srv.Client(), NumCtx: 8192})
	if r.Parallel != 36 || len(r.Hosts) != 2 || r.Reason != "2 Ollama servers: 18 + 18 → 36 parallel requests" {
		t.Errorf("two servers: %d, %q", r.Parallel, r.Reason)
	}
}

func TestIsLocal(t *testing.T) {
	for u, want := range map[string]bool{
		"":                          true,
		"http://localhost:11434":    true,
		"127.0.0.1:11434":           true,
		"http://[::1]:11434/":       true,
		"http://0.0.0.0:11434":      true,
		"http://gpu-box.lan:11434":  false,
		"https://203.0.113.9/v1":    false,
		"http://127.0.0.1:8080/api": true,
	} {
		if got := isLocal(u); got != want {
			t.Errorf("isLocal(%q) = %v", u, got)
		}
	}
	if !sameModel("llama3", "llama3:latest") || sameModel("llama3:70b", "llama3") || !sameModel("hf.co/x/y", "hf.co/x/y:latest") {
		t.Error("sameModel")
	}
}

package llmtest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

func TestNameFor(t *testing.T) {
	for user, want := range map[string]string{
		"File: a.py\nKind: function\nName: save\nQualified name: app.Store.save\n":                                                           "llm.app.Store.save",
		"Kind: loop\nEnclosing function qualified name: app.run\nOrdinal among the loops of the same function: 3 (first is 1)\n":             "llm.app.run.loop3",
		"Kind: loop\nEnclosing function qualified name: none (module level)\nOrdinal among the loops of the same function: 1 (first is 1)\n": "llm.module.loop1",
		"Kind: variable\nName: total\nEnclosing function qualified name: app.run\n":                                                          "llm.app.run.total",
		"Kind: function\nName: <anonymous>\nQualified name: src/x.ts <anonymous>\n":                                                          "llm.src_x.ts__anonymous_",
		"Kind: function\nName: f\nQualified name: f\n----- BEGIN UNTRUSTED CODE x -----\nKind: loop\n":                                       "llm.f",
	} {
		if got := NameFor(user); got != want {
			t.Errorf("NameFor(%q) = %q, want %q", user, got, want)
		}
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(EchoDecision("Kind: function\nQualified name: a.b\n")), &d); err != nil {
		t.Fatal(err)
	}
	if d["name"] != "llm.a.b" || d["record_exceptions"] != true || len(d) != 8 {
		t.Errorf("EchoDecision = %v", d)
	}
}

func TestSequence(t *testing.T) {
	seq := Sequence(Fail(500), RateLimited("1"), Answer("{}"))
	for n, want := range []int{500, 429, 0, 0} {
		if got := seq(Request{N: n + 1}).Status; got != want {
			t.Errorf("request %d: status %d, want %d", n+1, got, want)
		}
	}
}

func TestRecordsAndCountsParallelRequests(t *testing.T) {
	s := NewOpenAI(t, WithDelay(100*time.Millisecond, Echo()))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			body := `{"model":"m","messages":[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"Kind: function\nQualified name: f` + string(rune('0'+i)) + `"}]}]}`
			resp, err := http.Post(s.URL()+"/chat/completions", "application/json", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var out struct {
				Choices []struct{ Message struct{ Content string } }
			}
			json.NewDecoder(resp.Body).Decode(&out)
			if len(out.Choices) != 1 || !strings.Contains(out.Choices[0].Message.Content, `"llm.f`+string(rune('0'+i))+`"`) {
				t.Errorf("request %d answered %+v", i, out)
			}
		})
	}
	wg.Wait()
	if s.Count() != 8 || s.MaxInFlight() < 2 {
		t.Errorf("count %d max in flight %d", s.Count(), s.MaxInFlight())
	}
	seen := map[int]bool{}
	for _, r := range s.Requests() {
		seen[r.N] = true
		if r.System != "sys" || r.Model != "m" || !strings.HasPrefix(r.User, "Kind: function") {
			t.Errorf("recorded %+v", r)
		}
	}
	if len(seen) != 8 {
		t.Errorf("request numbers %v", seen)
	}
}

func TestHangIsReleasedWhenTheServerCloses(t *testing.T) {
	// A sub-test owns the server, so its cleanup runs while the request is
	// still hanging; the cleanup must not block on it.
	done := make(chan struct{})
	t.Run("server", func(t *testing.T) {
		s := NewAnthropic(t, Always(Hang()))
		go func() {
			defer close(done)
			resp, err := http.Post(s.URL()+"/v1/messages", "application/json", strings.NewReader(`{}`))
			if err == nil {
				resp.Body.Close()
			}
		}()
		for s.Count() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	})
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hanging request not released by Close")
	}
}

func TestOllamaMetadataThroughTheRealClient(t *testing.T) {
	big := OllamaModel{Name: "qwen2.5-coder:32b", Family: "qwen2", Quantization: "Q4_K_M", ParameterSize: "32.8B",
		ParameterCount: 32763876352, Size: 19851336256, ContextLength: 32768, BlockCount: 64, HeadCount: 40, HeadCountKV: 8, EmbeddingLength: 5120}
	s := NewOllama(t, Echo(), Llama32(), big)
	u, _ := url.Parse(s.URL())
	c := api.NewClient(u, http.DefaultClient)
	ctx := context.Background()

	v, err := c.Version(ctx)
	if err != nil || v != OllamaVersion {
		t.Errorf("version %q %v", v, err)
	}
	list, err := c.List(ctx)
	if err != nil || len(list.Models) != 2 || list.Models[1].Size != big.Size || list.Models[1].Details.ParameterSize != "32.8B" || list.Models[0].Details.QuantizationLevel != "Q4_K_M" {
		t.Errorf("tags %+v %v", list, err)
	}
	ps, err := c.ListRunning(ctx)
	if err != nil || len(ps.Models) != 1 || ps.Models[0].Name != "llama3.2:latest" || ps.Models[0].SizeVRAM != Llama32().SizeVRAM || ps.Models[0].ContextLength != 4096 {
		t.Errorf("ps %+v %v", ps, err)
	}
	show, err := c.Show(ctx, &api.ShowRequest{Model: "qwen2.5-coder:32b"})
	if err != nil {
		t.Fatal(err)
	}
	if show.ModelInfo["qwen2.context_length"] != float64(32768) || show.ModelInfo["general.parameter_count"] != float64(32763876352) ||
		show.ModelInfo["qwen2.attention.head_count_kv"] != float64(8) || show.ModelInfo["general.architecture"] != "qwen2" || len(show.Capabilities) != 2 {
		t.Errorf("show %+v", show.ModelInfo)
	}
	if _, err := c.Show(ctx, &api.ShowRequest{Model: "nope"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown model: %v", err)
	}
	resp, err := http.Get(s.URL() + "/")
	if err == nil {
		defer resp.Body.Close()
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		if line != "Ollama is running" {
			t.Errorf("root %q", line)
		}
	}
	if s.Count() != 0 {
		t.Errorf("metadata requests counted: %d", s.Count())
	}
}

func TestOllamaStreamsWhenAsked(t *testing.T) {
	s := NewOllama(t, Always(Answer(`{"name":"x"}`)))
	u, _ := url.Parse(s.URL())
	c := api.NewClient(u, http.DefaultClient)
	var chunks []api.ChatResponse
	err := c.Chat(context.Background(), &api.ChatRequest{Model: "llama3.2", Messages: []api.Message{{Role: "user", Content: "hi"}}},
		func(r api.ChatResponse) error { chunks = append(chunks, r); return nil })
	if err != nil || len(chunks) != 2 || chunks[0].Message.Content != `{"name":"x"}` || !chunks[1].Done || chunks[1].EvalCount == 0 {
		t.Errorf("chunks %+v %v", chunks, err)
	}
}

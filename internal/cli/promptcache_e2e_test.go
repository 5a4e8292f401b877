package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestPromptCacheInSummaryAndJSON runs the example project against the
// fake OpenAI server, which caches the shared prompt prefix as OpenAI
// does: --json splits the input tokens into fresh, cache-read and
// cache-write, and the summary shows the split, the prompt cache's saving,
// the dollars per 1,000 source lines and a cached-price estimate.
func TestPromptCacheInSummaryAndJSON(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	env := paidEnv(srv.URL())
	env["LLM_MODEL"] = "gpt-4.1-mini"

	ios, _, out, errOut := iostreams.Test()
	code := Main(t.Context(), []string{copyTree(t, "../../examples/shop"), "--no-cache", "--json", "--no-parallel"}, ios, func(k string) string { return env[k] })
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rep struct {
		Requests map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	r := map[string]float64{}
	for k, v := range rep.Requests {
		if f, ok := v.(float64); ok {
			r[k] = f
		}
	}
	in, fresh, read, write := r["input_tokens"], r["fresh_input_tokens"], r["cache_read_tokens"], r["cache_write_tokens"]
	if r["requests"] < 2 || read <= 0 || write != 0 || fresh <= 0 || fresh+read+write != in || r["prompt_cache_saved_usd"] <= 0 {
		t.Errorf("requests %v", r)
	}

	code, stderr := runAt(t, env, "", false, copyTree(t, "../../examples/shop"), "--no-cache", "--no-parallel")
	for _, want := range []string{"once the provider caches the shared prompt prefix", "cache read", "saved by prompt caching", "per 1,000 source lines"} {
		if code != ExitOK || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, summary lacks %q:\n%s", code, want, stderr)
		}
	}
}

// TestParallelRunWritesThePromptCacheOnce: the fake Anthropic server, like
// the real one, serves a prefix from its cache only once a request with it
// has been answered, so requests sent together all write it. A parallel
// run sends its first request alone: the prefix is written once, and
// every later request reads it.
func TestParallelRunWritesThePromptCacheOnce(t *testing.T) {
	srv := llmtest.NewAnthropic(t, llmtest.WithDelay(50*time.Millisecond, llmtest.Echo()))
	env := map[string]string{"LLM_PROVIDER": "anthropic", "LLM_MODEL": "claude-sonnet-4-5",
		"ANTHROPIC_API_KEY": "sk-ant-test-secret-key-1234567890", "ANTHROPIC_BASE_URL": srv.URL()}
	code, stdout, stderr := runCLI(t, env, copyTree(t, "../../examples/shop"), "--no-cache", "--json", "--max-parallel", "8")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep struct {
		Requests struct {
			Requests   int `json:"requests"`
			CacheRead  int `json:"cache_read_tokens"`
			CacheWrite int `json:"cache_write_tokens"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	r := rep.Requests
	written := 0
	for _, q := range srv.Requests() {
		if !q.PrefixCached && q.Prefix != "" {
			written++
		}
	}
	if r.Requests < 3 || written != 1 || r.CacheRead == 0 || r.CacheWrite == 0 || r.CacheWrite*(r.Requests-1) > 2*r.CacheRead {
		t.Errorf("%d requests, %d wrote the cache: %+v", r.Requests, written, r)
	}
	if srv.MaxInFlight() < 2 {
		t.Errorf("the run did not go parallel after the first answer (at most %d in flight)", srv.MaxInFlight())
	}
}

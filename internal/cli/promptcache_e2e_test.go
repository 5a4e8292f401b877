package cli

import (
	"encoding/json"
	"strings"
	"testing"

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

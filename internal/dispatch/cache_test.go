package dispatch

import (
	"context"
	"math"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/anthropic"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// runCached decides n constructs one after another through client, priced
// by the embedded table's entry for model, and returns the run's totals.
func runCached(t *testing.T, provider, model string, client llm.Decider, n int) *Stats {
	t.Helper()
	tab, err := models.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	d := &LLM{
		Provider: provider, Model: model, Hosts: []llm.Decider{client},
		Engine: engine.Options[*Request, llm.Answer]{
			Hosts: []engine.HostLimits{{Name: "fake", MaxConcurrency: 1}},
			// One at a time, so the first request has written the prefix
			// before the others ask; parallel first waves miss alike.
			Sequential: true,
		},
		Price: EntryPrice(tab.Lookup(provider, model)),
	}
	d.Decide(context.Background(), syntheticJobs(n), func(i int, o decision.Decided) {
		if o.Origin != source.OriginLLM {
			t.Fatalf("construct %d: %s (%s)", i, o.Origin, o.Note)
		}
	})
	return d.Stats()
}

// TestPromptCacheAccounting runs the same constructs against the fake
// Anthropic and OpenAI servers, which cache the shared prefix the way the
// real APIs do, and checks that the totals split the input into fresh,
// cache-read and cache-write tokens, price each at its own rate, and that
// the priced input per construct falls as the providers' discounts say.
func TestPromptCacheAccounting(t *testing.T) {
	const n = 40
	t.Run("anthropic", func(t *testing.T) {
		s := llmtest.NewAnthropic(t, llmtest.Echo())
		c, err := anthropic.New(llm.Config{Provider: llm.Anthropic, BaseURL: s.URL(), APIKey: "sk-ant-test", Model: "claude-sonnet-4-5"})
		if err != nil {
			t.Fatal(err)
		}
		st := runCached(t, llm.Anthropic, "claude-sonnet-4-5", c, n)
		checkSplit(t, st, n)
		prefix := st.CacheWriteTokens // written once, by the first request
		if prefix < 1024 || st.CacheReadTokens != (n-1)*prefix {
			t.Errorf("wrote %d and read %d cached tokens over %d requests, want one write and %d reads of the prefix", prefix, st.CacheReadTokens, n, n-1)
		}
		reportSaving(t, st, n, 3.00)
	})
	t.Run("openai", func(t *testing.T) {
		s := llmtest.NewOpenAI(t, llmtest.Echo())
		c, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: s.URL(), APIKey: "sk-test", Model: "gpt-4.1-mini"})
		if err != nil {
			t.Fatal(err)
		}
		st := runCached(t, llm.OpenAI, "gpt-4.1-mini", c, n)
		checkSplit(t, st, n)
		if st.CacheWriteTokens != 0 || st.CacheReadTokens < (n-1)*1024 {
			t.Errorf("read %d and wrote %d cached tokens, want at least 1024 read by each of the %d later requests and no writes", st.CacheReadTokens, st.CacheWriteTokens, n-1)
		}
		reportSaving(t, st, n, 0.40)
	})
}

// checkSplit checks the token split adds up and the dollars are the split
// priced, not every input token at the input price.
func checkSplit(t *testing.T, st *Stats, n int) {
	t.Helper()
	if st.Requests != n || st.FreshInputTokens+st.CacheReadTokens+st.CacheWriteTokens != st.InputTokens || st.FreshInputTokens <= 0 {
		t.Errorf("%d requests, input %d = fresh %d + read %d + write %d?", st.Requests, st.InputTokens, st.FreshInputTokens, st.CacheReadTokens, st.CacheWriteTokens)
	}
	if st.CacheSavedUSD <= 0 || st.CostUSD <= 0 {
		t.Errorf("cost $%g, saved by prompt caching $%g: want both positive", st.CostUSD, st.CacheSavedUSD)
	}
}

// reportSaving logs the priced input per construct with and without the
// prompt cache, and fails if caching saved less than half of it: at 0.1x
// (Anthropic) or 0.25x (gpt-4.1-mini) on a prefix that is most of each
// prompt, it must.
func reportSaving(t *testing.T, st *Stats, n int, inputPrice float64) {
	t.Helper()
	output := float64(st.OutputTokens) * outputPriceOf(st.Model) / 1e6
	uncachedIn := float64(st.InputTokens) * inputPrice / 1e6
	cachedIn := st.CostUSD - output
	ratio := cachedIn / uncachedIn
	t.Logf("%s: %d input tokens/construct (%d fresh, %d cache read, %d cache write); input $%.6f/construct cached vs $%.6f uncached (%.0f%%); total $%.6f/construct, prompt cache saved $%.6f",
		st.Model, st.InputTokens/n, st.FreshInputTokens/n, st.CacheReadTokens/n, st.CacheWriteTokens/n,
		cachedIn/float64(n), uncachedIn/float64(n), 100*ratio, st.CostUSD/float64(n), st.CacheSavedUSD)
	if ratio > 0.5 || math.Abs(uncachedIn-cachedIn-st.CacheSavedUSD) > 1e-9 {
		t.Errorf("priced input with caching is %.0f%% of without (saved $%g, stats say $%g)", 100*ratio, uncachedIn-cachedIn, st.CacheSavedUSD)
	}
}

func outputPriceOf(model string) float64 {
	switch model {
	case "claude-sonnet-4-5":
		return 15.00
	case "gpt-4.1-mini":
		return 1.60
	}
	return math.NaN()
}

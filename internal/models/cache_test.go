package models

import (
	"math"
	"strings"
	"testing"
)

// TestCachedPrices checks the prompt-cache prices against the published
// ratios: Anthropic reads at 0.1x and 5-minute writes at 1.25x the input
// price; OpenAI reads at its listed cached-input price and charges no
// write surcharge.
func TestCachedPrices(t *testing.T) {
	tab := mustLoad(t, "")
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-9 }
	for _, e := range tab.builtin {
		// Claude 3 Haiku's published cache prices ($0.03 read, $0.30
		// write on $0.25 input) predate the uniform ratios.
		if e.Provider != "anthropic" || e.CachedInputUSDPerMTok == 0 || e.Name == "claude-3-haiku" {
			continue
		}
		if !near(e.CachedInputUSDPerMTok, 0.1*e.InputUSDPerMTok) || !near(e.CacheWriteUSDPerMTok, 1.25*e.InputUSDPerMTok) || e.CacheMinTokens < 1024 {
			t.Errorf("%s: cache read %g, write %g, minimum %d for input %g; want 0.1x, 1.25x, at least 1024",
				e.Name, e.CachedInputUSDPerMTok, e.CacheWriteUSDPerMTok, e.CacheMinTokens, e.InputUSDPerMTok)
		}
	}
	cases := []struct {
		model   string
		tok     Tokens
		batch   bool
		wantUSD float64
		why     string
	}{
		{"claude-haiku-4-5", Tokens{Fresh: 100, CacheRead: 1_000_000, Output: 0}, false, 0.1001, "1M read at 0.10 + 100 fresh at 1.00"},
		{"claude-haiku-4-5", Tokens{CacheWrite: 1_000_000}, false, 1.25, "1M written at 1.25"},
		{"claude-sonnet-4-5", Tokens{CacheRead: 1_000_000, Output: 1_000_000}, true, 7.65, "(0.30 + 15) / 2: batch on top of caching"},
		{"gpt-4.1-mini", Tokens{Fresh: 1_000_000, CacheRead: 1_000_000}, false, 0.50, "0.40 + 0.10"},
		{"gpt-4.1-mini", Tokens{CacheWrite: 1_000_000}, false, 0.40, "no write price: the input price"},
		{"gpt-4o-mini", Tokens{CacheRead: 1_000_000}, false, 0.075, "half of 0.15"},
		{"gpt-5-pro", Tokens{CacheRead: 1_000_000}, false, 15.00, "no cached price listed: the input price"},
	}
	for _, c := range cases {
		e := tab.Lookup("", c.model)
		if got := e.CostTokens(c.tok, c.batch); !near(got, c.wantUSD) {
			t.Errorf("%s CostTokens(%+v, %v) = %.10f, want %.10f (%s)", c.model, c.tok, c.batch, got, c.wantUSD, c.why)
		}
	}
	if e := tab.Lookup("", "claude-haiku-4-5"); e.CacheMinTokens != 4096 {
		t.Errorf("claude-haiku-4-5 caches prefixes from %d tokens, want 4096", e.CacheMinTokens)
	}
}

func TestUserFileSetsCachePrices(t *testing.T) {
	path := writeFile(t, "models.json", `{"version": 1, "models": [
		{"name": "gpt-4.1-mini", "cached_input_usd_per_mtok": 0.2},
		{"name": "house-model", "patterns": ["house-*"], "input_usd_per_mtok": 1, "output_usd_per_mtok": 2,
		 "cached_input_usd_per_mtok": 0.5, "cache_write_usd_per_mtok": 3, "cache_min_tokens": 512}]}`)
	tab := mustLoad(t, path)
	if e := tab.Lookup("", "gpt-4.1-mini"); e.CachedInputUSDPerMTok != 0.2 || e.InputUSDPerMTok != 0.40 {
		t.Errorf("overlaid entry %+v", e)
	}
	e := tab.Lookup("", "house-7b")
	if got := e.CostTokens(Tokens{Fresh: 1e6, CacheRead: 1e6, CacheWrite: 1e6, Output: 1e6}, false); got != 6.5 || e.CacheMinTokens != 512 {
		t.Errorf("house model costs %g (want 6.5), minimum %d", got, e.CacheMinTokens)
	}
	bad := writeFile(t, "bad.json", `{"version": 1, "models": [{"name": "gpt-4o", "cache_write_usd_per_mtok": -1}]}`)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "cache_write_usd_per_mtok") {
		t.Errorf("negative cache price: %v", err)
	}
}

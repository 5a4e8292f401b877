package cli

import (
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/accountlimits"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// TestRecallNeedsEveryLimit: a remembered report is trusted only when it
// gives every limit the model table has for every host: a limit left to
// the table is still a guess, and a burst must not be staked on it.
func TestRecallNeedsEveryLimit(t *testing.T) {
	now := time.Now()
	mem := accountlimits.Open(t.TempDir())
	a := llm.Config{Provider: llm.OpenAI, BaseURL: "https://a.example/v1", Model: "m", APIKey: "sk-a"}
	b := llm.Config{Provider: llm.OpenAI, BaseURL: "https://b.example/v1", Model: "m", APIKey: "sk-a"}
	if err := mem.Keep(account(a), accountlimits.Limits{RPM: 500, TPM: 200_000, RequestsLeft: 100, TokensLeft: 200_000, Window: 60, At: now}); err != nil {
		t.Fatal(err)
	}
	if err := mem.Keep(account(b), accountlimits.Limits{RPM: 500, RequestsLeft: 500, Window: 60, At: now}); err != nil {
		t.Fatal(err)
	}
	got := recallLimits(mem, []llm.Config{a}, now, 5000, 2_000_000)
	if len(got) != 1 {
		t.Fatalf("a complete report was not recalled: %v", got)
	}
	h := engine.HostLimits{RPM: 5000, TPM: 2_000_000}
	startFrom(&h, got[0], now, "", nil)
	if h.RPM != 500 || h.TPM != 200_000 || h.RequestsSpent != 400 || h.TokensSpent != 0 {
		t.Errorf("started from %+v, want the account's 500 RPM with 400 spent and 200000 TPM full", h)
	}
	if got := recallLimits(mem, []llm.Config{b}, now, 5000, 2_000_000); got != nil {
		t.Errorf("a report without the token limit the table has was trusted: %v", got)
	}
	if got := recallLimits(mem, []llm.Config{b}, now, 5000, 0); len(got) != 1 {
		t.Errorf("a report giving every limit there is was not trusted")
	}
	if got := recallLimits(mem, []llm.Config{a, b}, now, 5000, 2_000_000); got != nil {
		t.Errorf("a fleet was trusted with one host's limits a guess")
	}
}

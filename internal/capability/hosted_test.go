package capability

import (
	"context"
	"strings"
	"testing"
)

func TestDetectHosted(t *testing.T) {
	fakePath(t, map[string]tool{}) // hosted detection must not need GPU tools
	tab := embeddedTable(t)
	cases := []struct {
		name     string
		in       Input
		parallel int
		reason   []string
	}{
		{
			// RPM: 5000 × 2 / 60 = 167; TPM: 2e6 / 1200 × 2 / 60 = 56;
			// the table's max_parallel 24 is the smallest.
			name: "openai table maximum", in: Input{Provider: "openai", Model: "gpt-4o-mini"}, parallel: 24,
			reason: []string{`gpt-4o-mini matched "gpt-4o-mini" (OpenAI tier 2: 5000 RPM, 2000000 TPM, ~2s per request) → 24 parallel requests, limited by table max_parallel`},
		},
		{
			// ITPM: 40000 / 1000 × 5 / 60 = 3.3 → 4; OTPM: 16000 / 200 × 5 / 60 = 6.7 → 7.
			name: "anthropic input tokens bind", in: Input{Provider: "anthropic", Model: "claude-3-7-sonnet-20250219"}, parallel: 4,
			reason: []string{"40000 TPM, 16000 output TPM", "→ 4 parallel requests, limited by TPM"},
		},
		{
			// --rpm is enforced by the request bucket; it does not become a
			// concurrency through the table's latency (30 × 2 s / 60 = 1).
			name: "user RPM", in: Input{Provider: "openai", Model: "gpt-4o-mini", RPM: 30}, parallel: 24,
			reason: []string{"(--rpm: 30 RPM", "→ 24 parallel requests, limited by table max_parallel"},
		},
		{
			name: "user cap", in: Input{Provider: "anthropic", Model: "claude-sonnet-4-5", MaxParallel: 3}, parallel: 3,
			reason: []string{`matched "claude-sonnet-4"`, "→ 16 parallel requests", "capped to 3 by --max-parallel"},
		},
		{
			// Default: 60 RPM × 5 / 60 = 5; 40000 / 1200 × 5 / 60 = 2.8 → 3.
			name: "unknown model", in: Input{Provider: "openai", Model: "ft:my-own"}, parallel: 3,
			reason: []string{`model "ft:my-own" not in the model table: conservative default 60 RPM, 40000 TPM → 3 parallel requests`},
		},
		{
			name: "gateway with a known model", in: Input{Provider: "openai-compatible", Model: "openai/gpt-4.1", BaseURLs: []string{"https://gateway.invalid/v1"}}, parallel: 16,
			reason: []string{`matched "gpt-4.1"`},
		},
		{
			name: "local servers with an unknown model", in: Input{Provider: "openai-compatible", Model: "Qwen/Qwen2.5-7B-Instruct", BaseURLs: []string{"http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"}}, parallel: 8,
			reason: []string{"2 OpenAI-compatible servers × default 4 → 8 parallel requests"},
		},
	}
	for _, c := range cases {
		c.in.Models = tab
		r := Detect(context.Background(), c.in)
		if r.Parallel != c.parallel {
			t.Errorf("%s: Parallel %d, want %d; %q\n%s", c.name, r.Parallel, c.parallel, r.Reason, strings.Join(r.Details, "\n"))
		}
		for _, w := range c.reason {
			if !strings.Contains(r.Reason, w) {
				t.Errorf("%s: Reason %q lacks %q", c.name, r.Reason, w)
			}
		}
		if len(r.Details) == 0 || !strings.HasPrefix(r.Details[0], "model table: ") {
			t.Errorf("%s: details %q", c.name, r.Details)
		}
	}
}

func TestDetectHostedFillsLimitsAndEntry(t *testing.T) {
	r := Detect(context.Background(), Input{Provider: "anthropic", Model: "claude-haiku-4-5", Models: embeddedTable(t), TPM: 1000000})
	if r.RPM != 1000 || r.TPM != 1000000 || r.OutputTPM != 90000 || r.ContextWindow != 200000 || r.Entry.Name != "claude-haiku-4-5" {
		t.Errorf("report %+v", r)
	}
	if !strings.Contains(r.Reason, "Anthropic tier 2, --tpm") {
		t.Errorf("Reason %q does not say the TPM came from --tpm", r.Reason)
	}
	// With no table given, Detect loads the embedded one.
	if r := Detect(context.Background(), Input{Provider: "openai", Model: "o3"}); r.Entry.Name != "o3" {
		t.Errorf("embedded table not loaded: %+v", r.Entry)
	}
}

package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

func TestFleetSharesWorkAndSummaryShowsEachHost(t *testing.T) {
	a := llmtest.NewOpenAI(t, llmtest.Echo())
	b := llmtest.NewOpenAI(t, llmtest.Echo())
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"LLM_PROVIDER": "openai-compatible", "LLM_MODEL": "qwen2.5-coder"}
	code, _, stderr := runCLI(t, env, project, "--base-url", a.URL(), "--base-url", b.URL(), "--no-cache")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if a.Count() == 0 || b.Count() == 0 {
		t.Fatalf("work not shared: %d and %d requests\n%s", a.Count(), b.Count(), stderr)
	}
	for _, s := range []*llmtest.Server{a, b} {
		if !strings.Contains(stderr, s.URL()) {
			t.Errorf("summary does not show host %s:\n%s", s.URL(), stderr)
		}
	}
}

func TestBudgetStopsSpendingAndFallsBack(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o"}
	// gpt-4o costs $2.50 per million input tokens: a prompt of about a
	// thousand tokens costs about $0.003, so $0.01 buys a handful.
	code, _, stderr := runCLI(t, env, project, "--budget", "0.01", "--no-cache", "--no-parallel")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "not sent (budget)") {
		t.Fatalf("summary does not say the budget stopped requests:\n%s", stderr)
	}
	if srv.Count() == 0 {
		t.Fatal("no request was sent within the budget")
	}
	m := regexp.MustCompile(`tokens, \$([0-9.]+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no cost in the summary:\n%s", stderr)
	}
	if spent, _ := strconv.ParseFloat(m[1], 64); spent > 0.01 || spent == 0 {
		t.Fatalf("spent $%v with a $0.01 budget", spent)
	}
}

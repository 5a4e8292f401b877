package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

func TestBatchModeAnswersThroughTheBatchAPI(t *testing.T) {
	srv := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Polls: 1})
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-batch", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "--batch", "--include", "functions", "-v")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
	if names := spanNames(string(b)); len(names) == 0 || !strings.HasPrefix(names[0], "llm.") {
		t.Fatalf("batch answers did not reach the file: %v\n%s", names, stderr)
	}
	if !strings.Contains(stderr, "saved") {
		t.Errorf("summary does not show what batch pricing saved:\n%s", stderr)
	}
	// A second run finds every answer in the cache: nothing is submitted.
	before := srv.Count()
	if code, _, stderr = runCLI(t, env, project, "--batch", "--include", "functions"); code != ExitOK {
		t.Fatalf("second run exit %d:\n%s", code, stderr)
	}
	if srv.Count() != before {
		t.Errorf("second run made %d more calls; its answers were cached", srv.Count()-before)
	}
}

func TestExpiredBatchFallsBackPerConstruct(t *testing.T) {
	srv := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Expire: func(string) bool { return true }})
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-batch", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "--batch", "--include", "functions", "--no-cache")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
	names := spanNames(string(b))
	if len(names) == 0 || strings.HasPrefix(names[0], "llm.") {
		t.Fatalf("expired requests should end with the built-in planner's names: %v", names)
	}
	if !strings.Contains(stderr, "fell back") {
		t.Errorf("summary does not count the fallbacks:\n%s", stderr)
	}
}

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

// TestExpiredBatchIsSentAgainAndARouteFailureStops: requests of an expired
// batch are sent again one by one; this fake serves no synchronous route,
// so they all 404, and the run stops with one message instead of falling
// back to the built-in planner on every construct.
func TestExpiredBatchIsSentAgainAndARouteFailureStops(t *testing.T) {
	srv := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Expire: func(string) bool { return true }})
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	env := map[string]string{"OPENAI_API_KEY": "sk-batch", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "--batch", "--include", "functions", "--no-cache")
	if code != ExitError {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitError, stderr)
	}
	if strings.Count(stderr, "stopped: the first 3 requests") != 1 || !strings.Contains(stderr, "check the model name") {
		t.Errorf("want one message naming the fix:\n%s", stderr)
	}
	if strings.Contains(stderr, "fell back") {
		t.Errorf("constructs fell back to the built-in planner:\n%s", stderr)
	}
	after := snapshot(t, project)
	for name, was := range before {
		if after[name] != was {
			t.Errorf("%s changed although none of its constructs was decided", name)
		}
	}
}

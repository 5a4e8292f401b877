package cli

import (
	"net/http"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestVerboseNamesTheBottleneck: a server whose headers say its request
// bucket (600 a minute) is empty paces the run; -v says the request bucket
// is what limits it, and the summary shows the rate achieved against the
// limit. --rpm 5 keeps the job from fitting the bucket at the start, so
// it is not all sent before the first header arrives; -v says so.
func TestVerboseNamesTheBottleneck(t *testing.T) {
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		rep := llmtest.Answer(llmtest.EchoDecision(r.User))
		rep.Header = http.Header{}
		rep.Header.Set("x-ratelimit-limit-requests", "600")
		rep.Header.Set("x-ratelimit-remaining-requests", "0")
		rep.Header.Set("x-ratelimit-reset-requests", "100ms")
		return rep
	})
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "-v", "--no-cache", "--include", "functions", "--rpm", "5")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "limited by request bucket: ") {
		t.Errorf("-v does not name the request bucket as the bottleneck:\n%s", stderr)
	}
	if !strings.Contains(stderr, "Requests: rate-bound: ") {
		t.Errorf("-v does not say the job is rate-bound:\n%s", stderr)
	}
	if !strings.Contains(stderr, "of 600 allowed") {
		t.Errorf("summary does not show the rate against the limit:\n%s", stderr)
	}
}

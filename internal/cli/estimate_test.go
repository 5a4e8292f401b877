package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

func paidEnv(url string) map[string]string {
	return map[string]string{"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test-secret-key-1234567890", "OPENAI_BASE_URL": url, "LLM_MODEL": "gpt-4o-mini"}
}

// runAt runs the command line with stdin holding answer, as a terminal when
// tty is set.
func runAt(t *testing.T, env map[string]string, answer string, tty bool, args ...string) (int, string) {
	t.Helper()
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(answer)
	ios.SetStdinTTY(tty)
	code := Main(context.Background(), args, ios, func(k string) string { return env[k] })
	return code, errOut.String()
}

func TestEstimateBeforeTheFirstPaidRequest(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	env := paidEnv(srv.URL())

	// On a terminal, "n" stops the run before any request, and writes nothing.
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	code, stderr := runAt(t, env, "n\n", true, project, "--no-cache")
	if code != ExitError || !strings.Contains(stderr, "Estimate: at most") || !strings.Contains(stderr, "$") || !strings.Contains(stderr, "nothing was sent") {
		t.Fatalf("declined: exit %d\n%s", code, stderr)
	}
	if srv.Count() != 0 {
		t.Fatalf("%d requests sent after the user declined", srv.Count())
	}
	if after := snapshot(t, project); len(after) != len(before) {
		t.Fatal("a declined run wrote files")
	}

	// "y" goes ahead.
	if code, stderr := runAt(t, env, "y\n", true, project, "--no-cache"); code != ExitOK || srv.Count() == 0 {
		t.Fatalf("accepted: exit %d, %d requests\n%s", code, srv.Count(), stderr)
	}

	// Not a terminal: the estimate is printed and the run proceeds, as it
	// does on a terminal with --yes.
	for _, tc := range []struct {
		tty  bool
		args []string
	}{{false, nil}, {true, []string{"--yes"}}} {
		project := copyTree(t, "../../examples/shop")
		n := srv.Count()
		code, stderr := runAt(t, env, "", tc.tty, append([]string{project, "--no-cache"}, tc.args...)...)
		if code != ExitOK || !strings.Contains(stderr, "Estimate: at most") || strings.Contains(stderr, "Proceed?") || srv.Count() == n {
			t.Fatalf("tty=%v %v: exit %d\n%s", tc.tty, tc.args, code, stderr)
		}
	}
}

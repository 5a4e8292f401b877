package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/accountlimits"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestSecondRunStartsFromTheAccountsLimits: a first run, not knowing the
// account's tier, waits for the first answer's headers (streaming its
// probe, so they come as the answer starts); it remembers them
// in the user's cache, so the next run on the same account sends a job
// that fits at once, as if told --rpm and --tpm. Another key, a dry run
// and an environment without a home remember nothing.
func TestSecondRunStartsFromTheAccountsLimits(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	cacheHome := t.TempDir()
	env := map[string]string{"OPENAI_API_KEY": "sk-memo-0123456789", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini", "XDG_CACHE_HOME": cacheHome}
	memo := filepath.Join(cacheHome, "telemetry-inject", accountlimits.FileName)
	run := func(env map[string]string, args ...string) string {
		t.Helper()
		code, _, stderr := runCLI(t, env, append([]string{copyTree(t, "../../examples/shop"), "-v", "--no-cache", "--include", "functions"}, args...)...)
		if code != ExitOK {
			t.Fatalf("exit %d:\n%s", code, stderr)
		}
		return stderr
	}

	if out := run(env, "--dry-run"); strings.Contains(out, "Rate limits:") {
		t.Fatalf("a first run recalled limits:\n%s", out)
	}
	if _, err := os.Stat(memo); !os.IsNotExist(err) {
		t.Fatalf("a dry run wrote the limits memory (%v)", err)
	}
	if out := run(env); !strings.Contains(out, "the first answer's headers set the pace") {
		t.Fatalf("a first run did not wait for the headers:\n%s", out)
	}
	data, err := os.ReadFile(memo)
	if err != nil {
		t.Fatalf("the first run remembered nothing: %v", err)
	}
	if strings.Contains(string(data), env["OPENAI_API_KEY"]) || strings.Contains(string(data), srv.URL()) {
		t.Fatalf("the memory names the key or the URL:\n%s", data)
	}

	streamed := func() (n int) {
		for _, r := range srv.Requests() {
			if r.Stream {
				n++
			}
		}
		return n
	}
	before, probes := len(srv.Requests()), streamed()
	if probes == 0 {
		t.Errorf("the first run's probe was not streamed: its headers came with the whole answer")
	}
	out := run(env)
	if streamed() != probes || len(srv.Requests()) == before {
		t.Errorf("the second run streamed %d requests: it knows the limits, so nothing waits for headers", streamed()-probes)
	}
	for _, want := range []string{"Rate limits: 10000 RPM, 2000000 TPM, as the account's headers gave them", "sent at once"} {
		if !strings.Contains(out, want) {
			t.Errorf("the second run's -v lacks %q:\n%s", want, out)
		}
	}

	other := map[string]string{}
	for k, v := range env {
		other[k] = v
	}
	other["OPENAI_API_KEY"] = "sk-another-account-42"
	if out := run(other); strings.Contains(out, "Rate limits:") {
		t.Errorf("another key's run started from this account's limits:\n%s", out)
	}
	delete(other, "XDG_CACHE_HOME")
	other["OPENAI_API_KEY"] = "sk-a-third-account-7"
	if out := run(other); strings.Contains(out, "Rate limits:") {
		t.Errorf("a run with no cache folder recalled limits:\n%s", out)
	}
}

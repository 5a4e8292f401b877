package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// spanNames lists the span names injected into a Python file.
func spanNames(src string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`with __ti_span__\("([^"]+)"`).FindAllStringSubmatch(src, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestEachProviderDecidesEachConstruct(t *testing.T) {
	cases := []struct {
		name  string
		start func(t *testing.T) *llmtest.Server
		env   func(url string) map[string]string
	}{
		{"openai", func(t *testing.T) *llmtest.Server { return llmtest.NewOpenAI(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test-secret-key-1234567890", "OPENAI_BASE_URL": url, "LLM_MODEL": "gpt-4o-mini"}
			}},
		{"anthropic", func(t *testing.T) *llmtest.Server { return llmtest.NewAnthropic(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"ANTHROPIC_API_KEY": "sk-ant-test-secret", "ANTHROPIC_BASE_URL": url, "LLM_MODEL": "claude-haiku-4-5"}
			}},
		{"ollama", func(t *testing.T) *llmtest.Server { return llmtest.NewOllama(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_PROVIDER": "ollama", "OLLAMA_HOST": url, "LLM_MODEL": "llama3.2"}
			}},
		{"openai-compatible", func(t *testing.T) *llmtest.Server { return llmtest.NewOpenAI(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_BASE_URL": url, "LLM_MODEL": "qwen2.5-coder"}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := c.start(t)
			project := copyTree(t, "../../examples/shop")
			env := c.env(srv.URL())
			code, _, stderr := runCLI(t, env, project, "-v", "--no-cache", "--density", "high")
			if code != ExitOK {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			for _, key := range []string{env["OPENAI_API_KEY"], env["ANTHROPIC_API_KEY"]} {
				if key != "" && strings.Contains(stderr, key) {
					t.Fatal("the API key was printed")
				}
			}
			b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
			names := spanNames(string(b))
			want := []string{
				"llm.pyshop.inventory.Inventory.__init__", "llm.pyshop.inventory.Inventory.skus",
				"llm.pyshop.inventory.Inventory.reserve", "llm.pyshop.inventory.Inventory.low_stock",
			}
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Fatalf("span names = %v, want %v (each construct its own answer)", names, want)
			}
			if srv.Count() == 0 {
				t.Fatal("the fake provider saw no request")
			}
			if !strings.Contains(stderr, "Reason:") {
				t.Errorf("-v did not explain capability detection:\n%s", stderr)
			}
			if out := runProgram(t, project, nil, "python3", "-m", "pyshop"); !strings.Contains(out, "total 3.5") {
				t.Errorf("instrumented program misbehaves:\n%s", out)
			}
		})
	}
}

func TestMalformedAnswersFallBackPerConstruct(t *testing.T) {
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		if strings.Contains(r.User, "reserve") {
			return llmtest.Malformed("I think you should add a span here!")
		}
		return llmtest.Answer(llmtest.EchoDecision(r.User))
	})
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "--no-cache", "--include", "functions", "--density", "high")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
	names := strings.Join(spanNames(string(b)), ",")
	if !strings.Contains(names, "llm.pyshop.inventory.Inventory.skus") || !strings.Contains(names, ",pyshop.inventory.Inventory.reserve") {
		t.Fatalf("want the LLM's names except for reserve, which falls back to the built-in planner: %s", names)
	}
	if !strings.Contains(stderr, "fallback") {
		t.Errorf("summary does not count the fallback:\n%s", stderr)
	}
}

// TestAuthenticationFailureStopsWithOneMessage: a rejected key stops the
// run with one message and no file changed. The model table's limits are
// never trusted for a burst, so with or without groups a probe of a few
// requests is all a wrong key costs, and no construct is asked twice.
func TestAuthenticationFailureStopsWithOneMessage(t *testing.T) {
	for _, args := range [][]string{nil, {"--no-group"}} {
		t.Run(strings.Join(append([]string{"default"}, args...), " "), func(t *testing.T) {
			authFailure(t, args)
		})
	}
}

func authFailure(t *testing.T, args []string) {
	srv := llmtest.NewOpenAI(t, llmtest.Always(llmtest.Fail(401)))
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	key := "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
	env := map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, stdout, stderr := runCLI(t, env, append([]string{project, "--no-cache"}, args...)...)
	if code != ExitError {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitError, stderr)
	}
	if strings.Count(stderr, "rejected the API key") != 1 {
		t.Errorf("want one clear message about the key:\n%s", stderr)
	}
	if strings.Contains(stderr+stdout, key) || strings.Contains(stderr+stdout, key[8:]) {
		t.Error("the API key was printed")
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Error("files were changed although no decision could be made")
	}
	if srv.Count() > 8 {
		t.Errorf("%d requests after a 401; the probe should have stopped the run", srv.Count())
	}
	asked := map[string]bool{}
	for _, r := range srv.Requests() {
		if asked[r.User] {
			t.Errorf("a construct was asked again after a 401; the run should stop at once")
			break
		}
		asked[r.User] = true
	}
}

func TestCacheAsksOnlyAboutWhatChanged(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	if code, _, stderr := runCLI(t, env, project, "--include", "functions"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	first := srv.Count()
	if first == 0 {
		t.Fatal("no request")
	}
	if _, err := os.Stat(filepath.Join(project, ".telemetry-inject", ".gitignore")); err != nil {
		t.Fatalf("cache folder not kept out of version control: %v", err)
	}
	// Edit one function's body.
	p := filepath.Join(project, "pyshop/pricing.py")
	b, _ := os.ReadFile(p)
	edited := strings.Replace(string(b), "round(total, 2)", "round(total, 3)", 1)
	if edited == string(b) {
		t.Fatal("edit did not apply")
	}
	os.WriteFile(p, []byte(edited), 0o644)
	code, _, stderr := runCLI(t, env, project, "--include", "functions")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if got := srv.Count() - first; got != 1 {
		t.Fatalf("editing one function caused %d new requests, want 1", got)
	}
	if !strings.Contains(stderr, "from cache") {
		t.Errorf("summary does not report cache hits:\n%s", stderr)
	}
}

func TestUnreachableServerStopsWithOneMessage(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	// Port 1 on loopback: nothing listens there, connections are refused.
	env := map[string]string{"LLM_PROVIDER": "ollama", "OLLAMA_HOST": "127.0.0.1:1"}
	code, _, stderr := runCLI(t, env, project, "--no-cache")
	if code != ExitError || !strings.Contains(stderr, "cannot reach the ollama server") {
		t.Fatalf("exit %d, want %d with one clear message:\n%s", code, ExitError, stderr)
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Error("files were changed although the server could not be reached")
	}
}

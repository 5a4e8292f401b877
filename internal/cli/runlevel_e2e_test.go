package cli

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestBaseURLsAsDocumentedReachTheServer runs the tool with the base URLs
// users copy from the docs: Ollama's with /v1 (its OpenAI-compatible
// path) and an OpenAI-compatible server's without /v1.
func TestBaseURLsAsDocumentedReachTheServer(t *testing.T) {
	cases := []struct {
		name  string
		start func(t *testing.T) *llmtest.Server
		env   func(url string) map[string]string
	}{
		{"ollama with /v1", func(t *testing.T) *llmtest.Server { return llmtest.NewOllama(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_PROVIDER": "ollama", "LLM_BASE_URL": url + "/v1", "LLM_MODEL": "llama3.2"}
			}},
		{"openai-compatible without /v1", func(t *testing.T) *llmtest.Server { return llmtest.NewOpenAI(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_BASE_URL": strings.TrimSuffix(url, "/v1"), "LLM_MODEL": "qwen2.5-coder"}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := c.start(t)
			project := copyTree(t, "../../examples/shop")
			code, _, stderr := runCLI(t, c.env(srv.URL()), project, "--no-cache", "--include", "functions")
			if code != ExitOK {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			if strings.Contains(stderr, "fell back") {
				t.Fatalf("requests fell back to the built-in planner:\n%s", stderr)
			}
			b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
			if names := spanNames(string(b)); len(names) == 0 || !strings.HasPrefix(names[0], "llm.") {
				t.Fatalf("the model's answers did not reach the file: %v", names)
			}
		})
	}
}

// TestRunLevelFailuresStopWithOneMessage: when the first requests all fail
// the same non-retryable way, the run stops with one message naming the
// fix, a non-zero exit and no file changed, instead of the built-in
// planner deciding every construct behind a summary that looks like
// success.
func TestRunLevelFailuresStopWithOneMessage(t *testing.T) {
	cases := []struct {
		name  string
		start func(t *testing.T) *llmtest.Server
		env   func(url string) map[string]string
		want  string
	}{
		{"ollama model not pulled", func(t *testing.T) *llmtest.Server { return llmtest.NewOllama(t, llmtest.Echo()) },
			func(url string) map[string]string {
				return map[string]string{"LLM_PROVIDER": "ollama", "LLM_BASE_URL": url, "LLM_MODEL": "cogito:8b"}
			}, "ollama pull cogito:8b"},
		{"openai unsupported parameter", func(t *testing.T) *llmtest.Server {
			return llmtest.NewOpenAI(t, llmtest.Always(llmtest.Reply{Status: 400, Message: "Unsupported parameter: 'response_format'"}))
		}, func(url string) map[string]string {
			return map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": url, "LLM_MODEL": "gpt-4o-mini"}
		}, "JSON-schema output"},
		{"anthropic model without access", func(t *testing.T) *llmtest.Server {
			return llmtest.NewAnthropic(t, llmtest.Always(llmtest.Fail(403)))
		}, func(url string) map[string]string {
			return map[string]string{"ANTHROPIC_API_KEY": "sk-ant-x", "ANTHROPIC_BASE_URL": url, "LLM_MODEL": "claude-haiku-4-5"}
		}, "may not use model claude-haiku-4-5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := c.start(t)
			project := copyTree(t, "../../examples/shop")
			before := snapshot(t, project)
			start := time.Now()
			code, _, stderr := runCLI(t, c.env(srv.URL()), project, "--no-cache")
			if code != ExitError {
				t.Fatalf("exit %d, want %d:\n%s", code, ExitError, stderr)
			}
			if strings.Count(stderr, "stopped: the first") != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("want one message naming the fix (%q):\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, "fell back") {
				t.Errorf("constructs fell back to the built-in planner:\n%s", stderr)
			}
			if !equalMaps(snapshot(t, project), before) {
				t.Error("files changed although no construct was decided")
			}
			if wall := time.Since(start); wall > 10*time.Second {
				t.Errorf("took %v to give up on a run-level failure", wall)
			}
		})
	}
}

// TestMalformedAnswerIsAskedAgainOnce: a construct whose first answer is
// malformed gets the model's second answer, and the summary counts it.
func TestMalformedAnswerIsAskedAgainOnce(t *testing.T) {
	var bad atomic.Bool
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		if strings.Contains(r.User, "Name: reserve") && bad.CompareAndSwap(false, true) {
			return llmtest.Malformed("I think you should add a span here!")
		}
		return llmtest.Answer(llmtest.EchoDecision(r.User))
	})
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	code, _, stderr := runCLI(t, env, project, "--no-cache", "--include", "functions", "--no-group")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !bad.Load() {
		t.Fatal("the malformed answer was never sent")
	}
	b, _ := os.ReadFile(filepath.Join(project, "pyshop/inventory.py"))
	if names := strings.Join(spanNames(string(b)), ","); !strings.Contains(names, "llm.pyshop.inventory.Inventory.reserve") {
		t.Fatalf("reserve did not get the model's second answer: %s", names)
	}
	if !strings.Contains(stderr, "1 invalid answers asked again") || strings.Contains(stderr, "fell back") {
		t.Errorf("summary does not count the re-ask, or fell back:\n%s", stderr)
	}
}

// TestProviderThatStopsAnsweringEndsTheRun: after 12 answers the server
// hangs. Each request times out, the host is marked down, and the tool
// exits within a bound with one message; files whose constructs were all
// decided are written, the rest are untouched, and a second run against a
// healthy server finishes them, asking only what was not answered. One
// request per construct (--no-group), so that 12 answers decide some
// files but not all.
func TestProviderThatStopsAnsweringEndsTheRun(t *testing.T) {
	var n atomic.Int32
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		if n.Add(1) > 12 {
			return llmtest.Hang()
		}
		return llmtest.Answer(llmtest.EchoDecision(r.User))
	})
	project := copyTree(t, "../../examples/shop")
	before := snapshot(t, project)
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	start := time.Now()
	code, _, stderr := runCLI(t, env, project, "--timeout", "1s", "--max-parallel", "2", "--no-group")
	wall := time.Since(start)
	if code == ExitOK {
		t.Fatalf("exit 0 although the provider stopped answering:\n%s", stderr)
	}
	if wall > 40*time.Second {
		t.Fatalf("took %v to give up on a dead provider", wall)
	}
	t.Logf("first run, %v:\n%s", wall, stderr)
	if strings.Count(stderr, "stopped answering") != 1 {
		t.Errorf("want one message saying the provider stopped answering:\n%s", stderr)
	}
	after := snapshot(t, project)
	var written, untouched int
	for name, was := range before {
		if after[name] == was {
			untouched++
		} else {
			written++
		}
	}
	if untouched == 0 {
		t.Fatalf("every file was written although the provider died (%d written)", written)
	}
	healthy := llmtest.NewOpenAI(t, llmtest.Echo())
	env["OPENAI_BASE_URL"] = healthy.URL()
	if code, _, stderr = runCLI(t, env, project, "--no-group"); code != ExitOK {
		t.Fatalf("resume exit %d:\n%s", code, stderr)
	}
	if healthy.Count() == 0 || healthy.Count() >= int(n.Load()) {
		t.Errorf("resume asked %d questions; the first run got 12 answers of %d asked", healthy.Count(), n.Load())
	}
}

package llm

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want Config
	}{
		{"nothing means the built-in planner", nil, Config{}},
		{"anthropic key", map[string]string{"ANTHROPIC_API_KEY": "sk-ant-1"},
			Config{Provider: Anthropic, APIKey: "sk-ant-1", Model: DefaultAnthropicModel, BaseURL: DefaultAnthropicBaseURL, BaseURLs: []string{DefaultAnthropicBaseURL}}},
		{"anthropic wins over openai when both keys are set", map[string]string{"ANTHROPIC_API_KEY": "a-key", "OPENAI_API_KEY": "o-key"},
			Config{Provider: Anthropic, APIKey: "a-key", Model: DefaultAnthropicModel, BaseURL: DefaultAnthropicBaseURL, BaseURLs: []string{DefaultAnthropicBaseURL}}},
		{"openai key", map[string]string{"OPENAI_API_KEY": "sk-1"},
			Config{Provider: OpenAI, APIKey: "sk-1", Model: DefaultOpenAIModel, BaseURL: DefaultOpenAIBaseURL, BaseURLs: []string{DefaultOpenAIBaseURL}}},
		{"openai base url", map[string]string{"OPENAI_API_KEY": "sk-1", "OPENAI_BASE_URL": "https://proxy.example/v1/"},
			Config{Provider: OpenAI, APIKey: "sk-1", Model: DefaultOpenAIModel, BaseURL: "https://proxy.example/v1", BaseURLs: []string{"https://proxy.example/v1"}}},
		{"openai key with a foreign LLM_BASE_URL is a compatible server", map[string]string{"OPENAI_API_KEY": "sk-1", "LLM_BASE_URL": "http://gpu1:8000/v1", "LLM_MODEL": "qwen"},
			Config{Provider: OpenAICompatible, APIKey: "sk-1", Model: "qwen", BaseURL: "http://gpu1:8000/v1", BaseURLs: []string{"http://gpu1:8000/v1"}}},
		{"ollama host:port", map[string]string{"OLLAMA_HOST": "gpu1:11435"},
			Config{Provider: Ollama, Model: DefaultOllamaModel, BaseURL: "http://gpu1:11435", BaseURLs: []string{"http://gpu1:11435"}}},
		{"ollama bare host", map[string]string{"OLLAMA_HOST": "0.0.0.0", "LLM_MODEL": "qwen2.5-coder:7b"},
			Config{Provider: Ollama, Model: "qwen2.5-coder:7b", BaseURL: "http://0.0.0.0:11434", BaseURLs: []string{"http://0.0.0.0:11434"}}},
		{"ollama by name uses its default host", map[string]string{"LLM_PROVIDER": "Ollama"},
			Config{Provider: Ollama, Model: DefaultOllamaModel, BaseURL: DefaultOllamaBaseURL, BaseURLs: []string{DefaultOllamaBaseURL}}},
		{"ollama fleet", map[string]string{"LLM_PROVIDER": "ollama", "LLM_BASE_URL": "gpu1, http://gpu2:11434/ ,,gpu3:9000"},
			Config{Provider: Ollama, Model: DefaultOllamaModel, BaseURL: "http://gpu1:11434", BaseURLs: []string{"http://gpu1:11434", "http://gpu2:11434", "http://gpu3:9000"}}},
		{"base url alone is openai-compatible without key", map[string]string{"LLM_BASE_URL": "http://127.0.0.1:8080/v1"},
			Config{Provider: OpenAICompatible, BaseURL: "http://127.0.0.1:8080/v1", BaseURLs: []string{"http://127.0.0.1:8080/v1"}}},
		{"vllm fleet", map[string]string{"LLM_BASE_URL": "http://a:8000/v1,http://b:8000/v1", "LLM_MODEL": "m"},
			Config{Provider: OpenAICompatible, Model: "m", BaseURL: "http://a:8000/v1", BaseURLs: []string{"http://a:8000/v1", "http://b:8000/v1"}}},
		{"explicit provider ignores other provider's key", map[string]string{"LLM_PROVIDER": "openai", "ANTHROPIC_API_KEY": "a", "OPENAI_API_KEY": "o", "ANTHROPIC_BASE_URL": "http://x"},
			Config{Provider: OpenAI, APIKey: "o", Model: DefaultOpenAIModel, BaseURL: DefaultOpenAIBaseURL, BaseURLs: []string{DefaultOpenAIBaseURL}}},
		{"anthropic base url and model", map[string]string{"ANTHROPIC_API_KEY": "a", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/", "LLM_MODEL": "claude-sonnet-4-6"},
			Config{Provider: Anthropic, APIKey: "a", Model: "claude-sonnet-4-6", BaseURL: "http://127.0.0.1:9", BaseURLs: []string{"http://127.0.0.1:9"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ConfigFromEnv = %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWithDefaultsFlagOverride(t *testing.T) {
	c := ConfigFromEnv(func(k string) string { return map[string]string{"OLLAMA_HOST": "a:1"}[k] })
	c.BaseURL = "b:2" // as --base-url sets it
	c = c.WithDefaults()
	if c.BaseURL != "http://b:2" || !reflect.DeepEqual(c.BaseURLs, []string{"http://b:2"}) {
		t.Errorf("flag override: %+v", c)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		c  Config
		ok bool
	}{
		{Config{}, true},
		{Config{Provider: OpenAI, APIKey: "k", BaseURLs: []string{"https://api.openai.com/v1"}}, true},
		{Config{Provider: OpenAI}, false},
		{Config{Provider: Anthropic}, false},
		{Config{Provider: Ollama, BaseURLs: []string{"http://h:11434"}}, true},
		{Config{Provider: OpenAICompatible}, false},
		{Config{Provider: OpenAICompatible, BaseURL: "ftp://x", BaseURLs: []string{"ftp://x"}}, false},
		{Config{Provider: "gemini"}, false},
	} {
		if err := tc.c.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v", tc.c, err)
		}
	}
}

func TestOllamaURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                    DefaultOllamaBaseURL,
		":11500":              "http://127.0.0.1:11500",
		"example.com":         "http://example.com:11434",
		"https://example.com": "https://example.com:443",
		"http://[::1]:8080/":  "http://[::1]:8080",
		"http://h:1/ollama/":  "http://h:1/ollama",
		"[::1]":               "http://[::1]:11434",
	} {
		if got := OllamaURL(in); got != want {
			t.Errorf("OllamaURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigNeverPrintsTheKey(t *testing.T) {
	c := ConfigFromEnv(func(k string) string { return map[string]string{"OPENAI_API_KEY": "sk-secret-value-123456"}[k] })
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", &c)} {
		if strings.Contains(s, "secret") {
			t.Errorf("key printed: %s", s)
		}
	}
	if !strings.Contains(c.String(), "key set") {
		t.Errorf("String() = %s", c)
	}
}

func TestFleet(t *testing.T) {
	c := ConfigFromEnv(func(k string) string {
		return map[string]string{"LLM_PROVIDER": "ollama", "LLM_BASE_URL": "a,b"}[k]
	})
	f := c.Fleet()
	if len(f) != 2 || f[0].BaseURL != "http://a:11434" || f[1].BaseURL != "http://b:11434" || len(f[1].BaseURLs) != 1 || f[1].Model != c.Model {
		t.Errorf("Fleet = %v", f)
	}
	if one := (Config{Provider: OpenAI, BaseURLs: []string{"x"}}).Fleet(); len(one) != 1 {
		t.Errorf("single = %v", one)
	}
}

// TestBaseURLsCopiedFromDocs checks the base URLs each provider's docs
// show, with and without the API version path, reach the paths the
// clients append to them.
func TestBaseURLsCopiedFromDocs(t *testing.T) {
	for _, tc := range []struct{ provider, in, want string }{
		{Ollama, "http://localhost:11434/v1", "http://localhost:11434"},
		{Ollama, "http://localhost:11434/v1/", "http://localhost:11434"},
		{Ollama, "http://localhost:11434/api", "http://localhost:11434"},
		{Ollama, "http://localhost:11434", "http://localhost:11434"},
		{OpenAICompatible, "http://localhost:8000", "http://localhost:8000/v1"},
		{OpenAICompatible, "http://localhost:8000/", "http://localhost:8000/v1"},
		{OpenAICompatible, "http://localhost:8000/v1", "http://localhost:8000/v1"},
		{OpenAICompatible, "https://gateway.example/openai/v1", "https://gateway.example/openai/v1"},
		{OpenAI, "https://api.openai.com", "https://api.openai.com/v1"},
		{Anthropic, "https://api.anthropic.com/v1", "https://api.anthropic.com"},
		{Anthropic, "https://api.anthropic.com", "https://api.anthropic.com"},
	} {
		got := ConfigFromEnv(func(k string) string {
			return map[string]string{"LLM_PROVIDER": tc.provider, "LLM_BASE_URL": tc.in}[k]
		})
		if got.BaseURL != tc.want {
			t.Errorf("%s %s: base URL %q, want %q", tc.provider, tc.in, got.BaseURL, tc.want)
		}
	}
}

func TestShowURLMasksUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"https://u:sk-abc@proxy.example/v1": "https://***@proxy.example/v1",
		"http://sk-only@127.0.0.1:8080":     "http://***@127.0.0.1:8080",
		"http://127.0.0.1:8080/v1":          "http://127.0.0.1:8080/v1",
		"http://u:p%zz@host/v1":             "http://***@host/v1", // url.Parse refuses the escape
	} {
		if got := ShowURL(in); got != want {
			t.Errorf("ShowURL(%q) = %q, want %q", in, got, want)
		}
	}
	c := Config{Provider: OpenAI, BaseURLs: []string{"https://u:sk-abc@proxy.example/v1"}}
	if strings.Contains(c.String(), "sk-abc") {
		t.Errorf("String() shows the userinfo: %s", c)
	}
}

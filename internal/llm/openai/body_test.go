package openai

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// TestBodyMatchesSDK: the body Decide writes itself is, as JSON, what the
// SDK marshals from params (which the batch client still sends), for both
// providers, every request shape, and a user message that needs escaping.
func TestBodyMatchesSDK(t *testing.T) {
	single := request()
	single.User += "def f(x):\n    return \"<a & b>\" + '\\t' + \"é ☃\" + \u2028\n"
	grouped := single
	grouped.SchemaName, grouped.Schema, grouped.MaxTokens = "decisions", prompt.GroupSchema(), 4000
	uncapped := single
	uncapped.MaxTokens = 0
	padded := single
	padded.System = prompt.PadSystem(4096)
	for _, provider := range []string{llm.OpenAI, llm.OpenAICompatible} {
		c, err := New(llm.Config{Provider: provider, BaseURL: "http://127.0.0.1:1/v1", Model: "gpt-4o-mini", APIKey: testKey})
		if err != nil {
			t.Fatal(err)
		}
		// Twice over, so the second round reads the shared parts back.
		for round := range 2 {
			for name, req := range map[string]prompt.Request{"single": single, "grouped": grouped, "uncapped": uncapped, "padded": padded} {
				got, err := c.body(req)
				if err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(c.params(req))
				if err != nil {
					t.Fatal(err)
				}
				var g, w any
				if err := json.Unmarshal(got, &g); err != nil {
					t.Fatalf("%s %s: body is not JSON: %v\n%s", provider, name, err, got)
				}
				if err := json.Unmarshal(want, &w); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s %s round %d:\n got %s\nwant %s", provider, name, round, got, want)
				}
			}
		}
		if n := len(c.bodies.list); n != 3 {
			t.Errorf("%s: %d shared parts kept for 3 prompts", provider, n)
		}
	}
}

// BenchmarkRequestBody compares the body Decide writes with the SDK's
// marshaling of the same params.
func BenchmarkRequestBody(b *testing.B) {
	c, err := New(llm.Config{Provider: llm.OpenAI, BaseURL: "http://127.0.0.1:1/v1", APIKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	req := request()
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.body(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(c.params(req)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

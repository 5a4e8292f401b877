package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// A grouped request (the command line's default) is answered with one
// valid decision per construct, and takes about as long as its members'
// decisions decoded one after another, so grouping saves input tokens
// but not time.
func TestSimAnswersGroupedRequests(t *testing.T) {
	const median = 40 * time.Millisecond
	sim := StartSim(SimConfig{Median: median, Seed: 3})
	defer sim.Close()
	var user bytes.Buffer
	user.WriteString("Decide the telemetry for each of the 3 constructs below.\n")
	for i, n := range []int{4, 5, 6} {
		fmt.Fprintf(&user, "\n%s%s ===\nKind: function\nQualified name: scale_%d\nCode:\n```\ndef scale_%d(): pass\n```\n", prompt.GroupMarker, prompt.GroupID(i), n, n)
	}
	body, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]string{{"role": "user", "content": user.String()}}})
	start := time.Now()
	resp, err := http.Post(sim.URL()+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	defer resp.Body.Close()
	var c struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != 200 || len(c.Choices) != 1 {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	got, err := prompt.ParseGroup([]byte(c.Choices[0].Message.Content))
	if err != nil || len(got) != 3 {
		t.Fatalf("decisions %v, %v", got, err)
	}
	var want time.Duration
	var output int
	for i, n := range []int{4, 5, 6} {
		raw := got[prompt.GroupID(i)]
		var d struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(raw, &d); err != nil || d.Name != fmt.Sprintf("sim.scale_%d", n) {
			t.Errorf("construct %d: %s (%v)", i+1, raw, err)
		}
		w := WorkFor(3, n, median)
		output += w.OutputTokens + 3
		want += time.Duration(decodeShare * float64(w.Service))
		if i == 0 {
			want += time.Duration((1 - decodeShare) * float64(w.Service))
		}
	}
	if c.Usage.CompletionTokens != output {
		t.Errorf("completion tokens %d, want the members' %d", c.Usage.CompletionTokens, output)
	}
	if served := sim.Served(); len(served) != 1 || served[0].Service.Round(time.Millisecond) != want.Round(time.Millisecond) || took < want {
		t.Errorf("served %+v in %v, want a service time of %v", served, took, want)
	}
}

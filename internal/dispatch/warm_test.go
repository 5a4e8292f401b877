package dispatch

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestWarmRunProbesWithASmallGroup: when the provider caches the shared
// prefix, one request goes alone and the rest follow its answer (reading
// the cache it wrote). That request is a small group of the first file,
// not a full one, since the whole run waits for it.
func TestWarmRunProbesWithASmallGroup(t *testing.T) {
	var mu sync.Mutex
	var firstDone time.Time
	early := 0 // requests that arrived before the first was answered
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		if r.N > 1 && firstDone.IsZero() {
			early++
		}
		answer := llmtest.EchoDecision(r.User)
		if strings.Contains(r.User, prompt.GroupMarker) {
			answer = llmtest.EchoGroup(r.User)
		}
		if r.N == 1 {
			firstDone = time.Now().Add(30 * time.Millisecond)
			return llmtest.Reply{Decision: answer, Delay: 30 * time.Millisecond}
		}
		return llmtest.Answer(answer)
	})
	client, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: srv.URL(), APIKey: "sk-test", Model: "gpt-4.1-mini"})
	if err != nil {
		t.Fatal(err)
	}
	d := &LLM{Provider: llm.OpenAI, Model: "gpt-4.1-mini", Hosts: []llm.Decider{client}, Group: true, CacheMinTokens: 1,
		Engine: engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "fake", StartConcurrency: 8, Probe: 4}}}}
	jobs := append(append(functionJobs(), renamed(functionJobs(), "", "2")...), renamed(functionJobs(), "app/other.py", "")...)
	got := map[int]decision.Decided{}
	d.Decide(context.Background(), jobs, func(i int, o decision.Decided) { got[i] = o })
	for i, j := range jobs {
		if got[i].Origin != source.OriginLLM {
			t.Errorf("%s %s: %s (%s)", j.File.Path, j.Construct.Kind, got[i].Origin, got[i].Note)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3: two constructs of the first file, its other four, the second file's three", len(reqs))
	}
	if n := strings.Count(reqs[0].User, prompt.GroupMarker); n != probeMembers {
		t.Errorf("first request holds %d constructs, want %d", n, probeMembers)
	}
	if early > 0 {
		t.Errorf("%d requests arrived before the first was answered; the prefix was not cached yet", early)
	}
}

// renamed copies jobs into another file (path, when not empty) and gives
// their constructs other qualified names (suffix), so they have IDs of
// their own.
func renamed(jobs []decision.Job, path, suffix string) []decision.Job {
	f := jobs[0].File
	if path != "" {
		moved := *f
		moved.Path = path
		f = &moved
	}
	for i := range jobs {
		c := *jobs[i].Construct
		c.Path, c.QualName = f.Path, c.QualName+suffix
		if c.Enclosing != "" {
			c.Enclosing += suffix
		}
		c.ID = source.NewID(c.Path, c.Kind, c.QualName, c.Ordinal)
		jobs[i] = decision.Job{File: f, Construct: &c}
	}
	return jobs
}

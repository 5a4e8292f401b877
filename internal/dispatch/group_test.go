package dispatch

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

const groupSrc = `def save(user_id, rows):
    total = 0
    for row in rows:
        total += row
    return total
`

// functionJobs makes the jobs of groupSrc: the function, its loop and its
// variable, which a grouped run asks about in one request.
func functionJobs() []decision.Job {
	f := &source.File{Path: "app/store.py", Lang: source.Python, Src: []byte(groupSrc)}
	at := func(snippet string, c source.Construct) decision.Job {
		i := strings.Index(groupSrc, snippet)
		c.Path, c.Lang = f.Path, f.Lang
		c.Range = source.Range{Start: i, End: i + len(snippet), StartLine: strings.Count(groupSrc[:i], "\n") + 1,
			EndLine: strings.Count(groupSrc[:i+len(snippet)], "\n") + 1}
		c.ID = source.NewID(c.Path, c.Kind, c.QualName, c.Ordinal)
		return decision.Job{File: f, Construct: &c}
	}
	scope := []string{"user_id", "rows", "total", "row"}
	return []decision.Job{
		at(strings.TrimSuffix(groupSrc, "\n"), source.Construct{Kind: source.Function, Name: "save", QualName: "app.store.save",
			Params: []string{"user_id", "rows"}, Scope: scope}),
		at("total = 0", source.Construct{Kind: source.Variable, Name: "total", Targets: []string{"total"}, QualName: "app.store.save",
			Enclosing: "app.store.save", Scope: scope}),
		at("for row in rows:\n        total += row", source.Construct{Kind: source.Loop, Name: "row", QualName: "app.store.save",
			Enclosing: "app.store.save", Scope: scope}),
	}
}

// TestGroupAsksFailedMembersAlone: the grouped answer leaves the loop out
// and gives the variable an invalid name; the function takes its grouped
// decision, and only the other two are asked again, alone, so nothing
// falls back to the built-in planner.
func TestGroupAsksFailedMembersAlone(t *testing.T) {
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		if !strings.Contains(r.User, prompt.GroupMarker) {
			return llmtest.Answer(llmtest.EchoDecision(r.User))
		}
		var ans struct{ Decisions []map[string]any }
		if err := json.Unmarshal([]byte(llmtest.EchoGroup(r.User)), &ans); err != nil {
			t.Error(err)
		}
		var kept []map[string]any
		for _, d := range ans.Decisions {
			switch {
			case strings.Contains(d["name"].(string), "loop"):
				continue // left out
			case d["record_exceptions"] == false:
				d["name"] = "not a valid name!"
			}
			kept = append(kept, d)
		}
		b, _ := json.Marshal(map[string]any{"decisions": kept})
		return llmtest.Answer(string(b))
	})
	client, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: srv.URL(), APIKey: "sk-test", Model: "gpt-4.1-mini"})
	if err != nil {
		t.Fatal(err)
	}
	d := &LLM{Provider: llm.OpenAI, Model: "gpt-4.1-mini", Hosts: []llm.Decider{client}, Group: true,
		Engine: engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "fake", MaxConcurrency: 2}}}}
	jobs := functionJobs()
	got := map[int]decision.Decided{}
	d.Decide(context.Background(), jobs, func(i int, o decision.Decided) { got[i] = o })
	if len(got) != 3 {
		t.Fatalf("%d of 3 decided", len(got))
	}
	for i, o := range got {
		if o.Origin != source.OriginLLM {
			t.Errorf("%s: %s (%s)", jobs[i].Construct.Kind, o.Origin, o.Note)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || !strings.Contains(reqs[0].User, prompt.GroupMarker) || strings.Contains(reqs[1].User+reqs[2].User, prompt.GroupMarker) {
		t.Errorf("%d requests; want one grouped, then the loop and the variable alone", len(reqs))
	}
	if st := d.Stats(); st.Fallbacks != 0 || st.Requests != 3 {
		t.Errorf("stats %+v", st)
	}
}

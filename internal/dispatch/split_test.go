package dispatch

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/models"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// contextLimited answers like an OpenAI server whose model takes at most
// limit prompt tokens (estimated as the fake server does, four bytes a
// token): longer prompts get OpenAI's 400 context_length_exceeded.
func contextLimited(limit int) llmtest.Responder {
	echo := llmtest.Echo()
	return func(r llmtest.Request) llmtest.Reply {
		if n := len(r.System+r.User) / 4; n > limit {
			return llmtest.Reply{Status: 400, Code: "context_length_exceeded", Type: "invalid_request_error",
				Message: fmt.Sprintf("This model's maximum context length is %d tokens. However, your messages resulted in %d tokens. Please reduce the length of the messages.", limit, n)}
		}
		return echo(r)
	}
}

func splitClient(t *testing.T, srv *llmtest.Server) *LLM {
	client, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: srv.URL(), APIKey: "sk-test", Model: "gpt-4.1-mini"})
	if err != nil {
		t.Fatal(err)
	}
	return &LLM{Provider: llm.OpenAI, Model: "gpt-4.1-mini", Hosts: []llm.Decider{client}, Group: true,
		Engine: engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "fake", MaxConcurrency: 1}}}}
}

// TestTooLongGroupIsSplit: the server refuses the grouped request of a
// function, its loop and its variable as too long, but takes each alone;
// the group is asked again in halves until every construct has the
// model's decision, with no fallback and no run-level stop.
func TestTooLongGroupIsSplit(t *testing.T) {
	jobs := functionJobs()
	var singleMax int
	for _, j := range jobs {
		r := prompt.Build(j.File, j.Construct)
		singleMax = max(singleMax, len(r.System+r.User)/4)
	}
	srv := llmtest.NewOpenAI(t, contextLimited(singleMax))
	d := splitClient(t, srv)
	got := map[int]decision.Decided{}
	d.Decide(context.Background(), jobs, func(i int, o decision.Decided) { got[i] = o })
	for i, j := range jobs {
		if o := got[i]; o.Origin != source.OriginLLM {
			t.Errorf("%s: %s (%s)", j.Construct.Kind, o.Origin, o.Note)
		}
	}
	reqs := srv.Requests()
	if len(reqs) < 3 || !strings.Contains(reqs[0].User, prompt.GroupMarker) || d.Err() != nil {
		t.Errorf("%d requests, err %v; want the group refused, then smaller requests", len(reqs), d.Err())
	}
}

// TestTooLongConstructIsTrimmed: a function whose code alone is longer
// than the model takes is asked again with less of its code (the middle
// elided) until it fits, and gets the model's decision.
func TestTooLongConstructIsTrimmed(t *testing.T) {
	var b strings.Builder
	b.WriteString("def big(rows):\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "    total_%d = sum(r[%d] for r in rows)\n", i, i)
	}
	src := b.String()
	f := &source.File{Path: "app/big.py", Lang: source.Python, Src: []byte(src)}
	c := &source.Construct{Kind: source.Function, Name: "big", QualName: "app.big.big", Params: []string{"rows"}, Path: f.Path, Lang: f.Lang,
		Range: source.Range{Start: 0, End: len(src) - 1, StartLine: 1, EndLine: 2001}}
	c.ID = source.NewID(c.Path, c.Kind, c.QualName, 0)
	srv := llmtest.NewOpenAI(t, contextLimited(2500))
	d := splitClient(t, srv)
	var got decision.Decided
	d.Decide(context.Background(), []decision.Job{{File: f, Construct: c}}, func(_ int, o decision.Decided) { got = o })
	reqs := srv.Requests()
	if got.Origin != source.OriginLLM || len(reqs) < 2 {
		t.Fatalf("%s (%s) after %d requests", got.Origin, got.Note, len(reqs))
	}
	if last := reqs[len(reqs)-1].User; !strings.Contains(last, "elided by telemetry-inject") || len(last) >= len(reqs[0].User) {
		t.Error("the request that fitted does not carry less of the code")
	}
}

// TestEveryCachedModelCachesTheGroupedPrefix: for every model of the
// embedded table with a cached-input price, a run of ten grouped requests
// sends a prefix at least the model's minimum cacheable length, padded
// where the plain one is shorter (Haiku 3.x and 4.5, Opus 4.5+), since a
// padded prefix read from the cache costs less there than a short one
// paid in full.
func TestEveryCachedModelCachesTheGroupedPrefix(t *testing.T) {
	tab, err := models.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	padded := 0
	for _, e := range tab.Entries() {
		if e.CachedInputUSDPerMTok <= 0 || e.CacheMinTokens <= 0 {
			continue
		}
		d := &LLM{CacheMinTokens: e.CacheMinTokens, Price: EntryPrice(e)}
		pad := d.padTo(10)
		if got := prompt.PrefixTokens(pad); got < e.CacheMinTokens {
			t.Errorf("%s: grouped prefix of %d tokens, below its minimum of %d", e.Name, got, e.CacheMinTokens)
		}
		if pad > 0 {
			padded++
		}
		if d.padTo(1) != 0 {
			t.Errorf("%s: a run of one request is padded", e.Name)
		}
	}
	if padded == 0 {
		t.Error("no model needed padding; the test no longer covers it")
	}
}

// TestBudgetCountsTheCachedPrefix: before any answer a request is
// reserved at its full input price; once an answer showed the provider
// caching its prefix, later requests with that prefix are reserved with
// it at the cached price, so a budget is not used up by caching the
// provider does.
func TestBudgetCountsTheCachedPrefix(t *testing.T) {
	tab, err := models.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	d := &LLM{Price: EntryPrice(tab.Lookup(llm.Anthropic, "claude-sonnet-4-5"))}
	j := functionJobs()
	req := prompt.BuildGroup(j[0].File, []*source.Construct{j[0].Construct, j[1].Construct}, prompt.Options{})
	before := d.Price(d.worstUsage(req), false)
	prefix := prompt.PrefixTokens(0)
	d.notePrefix(req, llm.Usage{InputTokens: prefix + 300, CacheReadTokens: prefix})
	after := d.Price(d.worstUsage(req), false)
	other := prompt.Build(j[0].File, j[0].Construct)
	if after >= before || d.worstUsage(other).CacheReadTokens != 0 {
		t.Errorf("reserved $%.6f before the prefix was seen cached, $%.6f after; another prefix reads %d cached", before, after, d.worstUsage(other).CacheReadTokens)
	}
}

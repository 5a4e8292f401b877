package dispatch

import (
	"context"
	"fmt"
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

// nineJobs are nine constructs in two files.
func nineJobs() []decision.Job {
	return append(append(functionJobs(), renamed(functionJobs(), "", "2")...), renamed(functionJobs(), "app/other.py", "")...)
}

// adaptRun decides nineJobs through d against a loopback OpenAI server
// that answers every request after delay (a streamed one's headers too),
// and returns the requests it saw and how many arrived after the first
// answer's headers had gone out.
func adaptRun(t *testing.T, d *LLM, delay time.Duration) (reqs []llmtest.Request, late int) {
	t.Helper()
	var mu sync.Mutex
	var firstAnswer time.Time
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if !firstAnswer.IsZero() && now.After(firstAnswer) {
			late++
		}
		if at := now.Add(delay); firstAnswer.IsZero() || at.Before(firstAnswer) {
			firstAnswer = at
		}
		answer := llmtest.EchoDecision(r.User)
		if strings.Contains(r.User, prompt.GroupMarker) {
			answer = llmtest.EchoGroup(r.User)
		}
		return llmtest.Reply{Decision: answer, Delay: delay, FirstByte: delay}
	})
	client, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: srv.URL(), APIKey: "sk-test", Model: "gpt-4.1-mini"})
	if err != nil {
		t.Fatal(err)
	}
	d.Provider, d.Model, d.Hosts = llm.OpenAI, "gpt-4.1-mini", []llm.Decider{client}
	jobs := nineJobs()
	got := map[int]decision.Decided{}
	d.Decide(context.Background(), jobs, func(i int, o decision.Decided) { got[i] = o })
	for i, j := range jobs {
		if got[i].Origin != source.OriginLLM {
			t.Errorf("%s %s: %s (%s)", j.File.Path, j.Construct.Kind, got[i].Origin, got[i].Note)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return srv.Requests(), late
}

// hostedLimits are a hosted API's limits as detection gives them: a
// start concurrency below the job and a probe of 4 before the first
// answer, with rpm requests a minute.
func hostedLimits(rpm int) engine.Options[*Request, llm.Answer] {
	return engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "hosted", RPM: rpm, TPM: 10_000_000, StartConcurrency: 2, Probe: 4}}}
}

// TestJobThatFitsTheBucketGoesOneByOne: by default, a job the buckets
// can take whole is sent as single requests, not groups whose decisions
// decode one after another. With only the model table's limits the rest
// wait for the first answer's headers (all but the warm-up and the one
// its full buckets let through, up to the start concurrency of 2); with
// limits the user gave, the job goes at once.
func TestJobThatFitsTheBucketGoesOneByOne(t *testing.T) {
	for _, given := range []bool{false, true} {
		var notes []string
		d := &LLM{Group: true, AdaptGroups: true, CacheMinTokens: 1, Engine: hostedLimits(1000), LimitsKnown: given, Note: func(s string) { notes = append(notes, s) }}
		reqs, late := adaptRun(t, d, 300*time.Millisecond)
		if len(reqs) != 9 {
			t.Errorf("limits given %v: %d requests, want 9, one per construct", given, len(reqs))
		}
		for _, r := range reqs {
			if strings.Contains(r.User, prompt.GroupMarker) {
				t.Errorf("limits given %v: request %d is grouped", given, r.N)
			}
		}
		if given && late > 0 {
			t.Errorf("limits given: %d requests went out after the first answer; a job that fits the given limits goes at once", late)
		}
		if !given && late != 7 {
			t.Errorf("table limits: %d requests went out after the first answer, want 7: a burst is not staked on the table", late)
		}
		if len(notes) != 1 || !strings.Contains(notes[0], "fits the buckets") || !strings.Contains(d.Stats().Grouping, "one request per construct") {
			t.Errorf("limits given %v: notes %q, stats %q: want one note saying the job fits and goes one request per construct", given, notes, d.Stats().Grouping)
		}
	}
}

// TestFullGroups: a job larger than the request bucket is grouped fully
// by default, and --group (AdaptGroups off) groups a job that would fit
// the bucket, as asked; either way the first request is a small group that
// warms the cache.
func TestFullGroups(t *testing.T) {
	for _, c := range []struct {
		name string
		d    *LLM
		says string
	}{
		{"rate-bound", &LLM{Group: true, AdaptGroups: true, CacheMinTokens: 1, Engine: hostedLimits(5)}, "rate-bound"},
		{"--group", &LLM{Group: true, CacheMinTokens: 1, Engine: hostedLimits(1000)}, "(--group)"},
	} {
		reqs, _ := adaptRun(t, c.d, 10*time.Millisecond)
		if len(reqs) != 3 {
			t.Errorf("%s: %d requests, want 3: two constructs of the first file, its other four, the second file's three", c.name, len(reqs))
		}
		if !strings.Contains(c.d.Stats().Grouping, c.says) {
			t.Errorf("%s: grouping %q, want it to say %q", c.name, c.d.Stats().Grouping, c.says)
		}
	}
}

// TestNoGroupTrustsOnlyGivenLimits: --no-group sends single requests;
// with the table's limits it keeps the warm-up (the rest wait for the
// first answer), with limits the user gave a job that fits them goes at
// once.
func TestNoGroupTrustsOnlyGivenLimits(t *testing.T) {
	for _, given := range []bool{false, true} {
		d := &LLM{CacheMinTokens: 1, Engine: hostedLimits(1000), LimitsKnown: given}
		reqs, late := adaptRun(t, d, 300*time.Millisecond)
		if len(reqs) != 9 {
			t.Errorf("limits given %v: %d requests, want 9", given, len(reqs))
		}
		if given && late > 0 {
			t.Errorf("limits given: %d requests went out after the first answer, want all at once", late)
		}
		// All but the warm-up and the one its full buckets let through
		// (up to the start concurrency of 2) wait for its answer.
		if !given && late != 7 {
			t.Errorf("table limits: %d requests went out after the first answer, want 7", late)
		}
	}
}

// TestFittingJobUnderACapIsGroupedToFillIt: with --max-parallel 2 a job
// that fits the bucket still cannot go at once, so its constructs share
// requests: no more per request than spreads them over the two slots.
func TestFittingJobUnderACapIsGroupedToFillIt(t *testing.T) {
	opts := hostedLimits(1000)
	opts.MaxInFlight = 2
	d := &LLM{Group: true, AdaptGroups: true, Engine: opts}
	var sizes []int
	for _, p := range d.Plan(nineJobs()) {
		sizes = append(sizes, p.Constructs)
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[1] != 3 || sizes[2] != 3 {
		t.Errorf("planned groups %v, want [3 3 3]: at most ceil(9/2) constructs each, a file's six split evenly", sizes)
	}
}

// TestLocalServerIsGrouped: a host with no known rate limit (a local
// server, bound by its slots) keeps full groups.
func TestLocalServerIsGrouped(t *testing.T) {
	d := &LLM{Group: true, AdaptGroups: true, Engine: engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "ollama"}}}}
	if n := len(d.Plan(nineJobs())); n != 2 {
		t.Errorf("%d requests planned, want 2: a group per file", n)
	}
	if p := d.choose(d.requests(nineJobs())); !strings.HasPrefix(p.note, "bound by the server's capacity") {
		t.Errorf("note %q, want it to name the server's capacity", p.note)
	}
}

// TestSlotBoundJobEndsInSmallRequests: on a server bound by 4 slots, 14
// files of 15 constructs and one of 6 are grouped by file, but no request
// holds more than its share of what is left (ceil(left/4)), so the last
// round is small requests that end together, not full groups that leave
// the other slots idle. Whole groups come first, and nothing is lost.
func TestSlotBoundJobEndsInSmallRequests(t *testing.T) {
	var jobs []decision.Job
	for f := range 15 {
		path := fmt.Sprintf("app/m%02d.py", f)
		for k := range 5 - 3*(f/14) {
			jobs = append(jobs, renamed(functionJobs(), path, fmt.Sprint(k))...)
		}
	}
	d := &LLM{Group: true, AdaptGroups: true, Engine: engine.Options[*Request, llm.Answer]{Hosts: []engine.HostLimits{{Name: "ollama", StartConcurrency: 4}}}}
	planned := d.Plan(jobs)
	left, full := len(jobs), 0
	var sizes []int
	for _, p := range planned {
		sizes = append(sizes, p.Constructs)
		if p.Constructs > max(1, (left+3)/4) {
			t.Errorf("a request of %d constructs with %d left for 4 slots", p.Constructs, left)
		}
		if p.Constructs == 15 {
			full++
		}
		left -= p.Constructs
	}
	if left != 0 || full < 10 || len(planned) > 2*15 {
		t.Errorf("sizes %v: %d constructs unplanned, %d whole files; want all planned, most files whole, at most 30 requests", sizes, left, full)
	}
	if p := d.choose(d.requests(jobs)); p.slots != 4 || !strings.Contains(p.note, "4 slots finish together") {
		t.Errorf("slots %d, note %q", p.slots, p.note)
	}
	// A host whose slots are not known (start 0) keeps whole files.
	d.Engine.Hosts[0].StartConcurrency = 0
	if n := len(d.Plan(jobs)); n != 15 {
		t.Errorf("%d requests without known slots, want 15", n)
	}
}

// TestWarmUpHoldsWhereCacheReadsAreExempt: where cached input does not
// count against the token limit (Anthropic's ITPM), the warm-up itself
// raises what the limit lets through, so nothing goes during it, full
// buckets or not.
func TestWarmUpHoldsWhereCacheReadsAreExempt(t *testing.T) {
	d := &LLM{CacheMinTokens: 1, Engine: hostedLimits(1000), CacheReadsExempt: true}
	if _, late := adaptRun(t, d, 300*time.Millisecond); late != 8 {
		t.Errorf("%d requests went out after the warm-up's answer, want 8 (all the others)", late)
	}
}

// TestRequestsBuiltOnceForTheSameJobs: the estimate and the run share
// the prompts built for one list of jobs, and a list of other constructs,
// even of the same length, gets its own.
func TestRequestsBuiltOnceForTheSameJobs(t *testing.T) {
	d := &LLM{Provider: llm.OpenAI, Model: "gpt-4.1-mini"}
	a, b := functionJobs(), renamed(functionJobs(), "", "2")
	first, again, other := d.requests(a), d.requests(a), d.requests(b)
	for i := range a {
		if again[i].key != first[i].key || again[i].req.User != first[i].req.User {
			t.Errorf("job %d: the same jobs got another request", i)
		}
		if other[i].key == first[i].key || other[i].cons != b[i].Construct {
			t.Errorf("job %d: other constructs reused the first jobs' request", i)
		}
		if again[i] == first[i] {
			t.Errorf("job %d: the same *Request handed out twice; a run changes it", i)
		}
	}
}

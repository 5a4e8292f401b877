package dispatch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// syntheticJobs makes n function constructs spread over files of five.
func syntheticJobs(n int) []decision.Job {
	jobs := make([]decision.Job, n)
	for i := range jobs {
		f := &source.File{Path: fmt.Sprintf("pkg/mod%d.py", i/5), Lang: source.Python}
		name := fmt.Sprintf("handler_%d", i)
		f.Src = []byte(fmt.Sprintf("def %s(request_id, payload):\n    return payload\n", name))
		c := &source.Construct{
			ID: source.NewID(f.Path, source.Function, name, 0), Kind: source.Function, Lang: source.Python, Path: f.Path,
			Name: name, QualName: "pkg." + name, Params: []string{"request_id", "payload"}, Scope: []string{"request_id", "payload"},
			Range: source.Range{Start: 0, End: len(f.Src), StartLine: 1, EndLine: 2},
		}
		jobs[i] = decision.Job{File: f, Construct: c}
	}
	return jobs
}

func decideAll(b testing.TB, url string, jobs []decision.Job, sequential bool) time.Duration {
	client, err := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: url, APIKey: "sk-bench", Model: "gpt-4o-mini"}.WithDefaults())
	if err != nil {
		b.Fatal(err)
	}
	d := &LLM{
		Provider: llm.OpenAI, Model: "gpt-4o-mini", Hosts: []llm.Decider{client},
		Engine: engine.Options[*Request, llm.Answer]{
			Hosts:      []engine.HostLimits{{Name: url, MaxConcurrency: 16}},
			Sequential: sequential,
		},
	}
	start := time.Now()
	got := 0
	d.Decide(context.Background(), jobs, func(i int, o decision.Decided) {
		if o.Origin != source.OriginLLM {
			b.Fatalf("construct %d: %s (%s)", i, o.Origin, o.Note)
		}
		got++
	})
	if got != len(jobs) {
		b.Fatalf("%d of %d decided", got, len(jobs))
	}
	return time.Since(start)
}

// BenchmarkSequentialVsParallel measures the seed's claim (3x at 20
// constructs, 5x at 50) against a fake OpenAI server answering each
// request after 100 ms: the speedup is the sequential wall time over the
// parallel one, both measured in the same iteration.
func BenchmarkSequentialVsParallel(b *testing.B) {
	for _, n := range []int{20, 50} {
		b.Run(fmt.Sprintf("constructs=%d", n), func(b *testing.B) {
			srv := llmtest.NewOpenAI(b, llmtest.WithDelay(100*time.Millisecond, llmtest.Echo()))
			jobs := syntheticJobs(n)
			var seq, par time.Duration
			for i := 0; i < b.N; i++ {
				seq += decideAll(b, srv.URL(), jobs, true)
				par += decideAll(b, srv.URL(), jobs, false)
			}
			speedup := float64(seq) / float64(par)
			b.ReportMetric(speedup, "speedup")
			b.ReportMetric(seq.Seconds()/float64(b.N), "seq-s")
			b.ReportMetric(par.Seconds()/float64(b.N), "par-s")
		})
	}
}

// TestParallelIsFasterThanSequential keeps the benchmark honest in CI
// with a loose bound: parallel must at least double the throughput of 20
// requests that each take 50 ms.
func TestParallelIsFasterThanSequential(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.WithDelay(50*time.Millisecond, llmtest.Echo()))
	jobs := syntheticJobs(20)
	seq := decideAll(t, srv.URL(), jobs, true)
	par := decideAll(t, srv.URL(), jobs, false)
	if ratio := float64(seq) / float64(par); ratio < 2 {
		t.Fatalf("parallel %v vs sequential %v: speedup %.1f, want at least 2", par, seq, ratio)
	}
}

package batch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/batch"
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/anthropic"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/openai"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

const key = "sk-TESTKEYabcdef0123456789SECRET"

// requests returns n requests for distinct functions with hex IDs, as the
// prompt package builds them.
func requests(n int) []prompt.Request {
	var out []prompt.Request
	for i := range n {
		out = append(out, prompt.Request{
			ConstructID: fmt.Sprintf("%016x", 0xfeed0000+i),
			System:      prompt.System(),
			User:        fmt.Sprintf("File: app/m.py\nKind: function\nName: f%d\nQualified name: app.m.f%d\n", i, i),
			SchemaName:  prompt.SchemaName,
			Schema:      prompt.Schema(),
			MaxTokens:   512,
			Version:     "v1",
		})
	}
	return out
}

// fakes builds a fake server and a client of each provider.
var fakes = []struct {
	name   string
	server func(testing.TB, llmtest.BatchScript) *llmtest.BatchServer
	client func(*testing.T, string) batch.Provider
}{
	{"openai", llmtest.NewOpenAIBatch, func(t *testing.T, url string) batch.Provider {
		c, err := openai.NewBatch(llm.Config{Provider: llm.OpenAI, BaseURL: url, APIKey: key, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}},
	{"anthropic", llmtest.NewAnthropicBatch, func(t *testing.T, url string) batch.Provider {
		c, err := anthropic.NewBatch(llm.Config{Provider: llm.Anthropic, BaseURL: url, APIKey: key, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}},
}

// sleeps records the waits asked for and returns at once.
type sleeps struct{ d []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.d = append(s.d, d)
	return ctx.Err()
}

func statePath(dir string) string { return filepath.Join(dir, cache.DirName, batch.StateFile) }

func TestRunRoundTrip(t *testing.T) {
	for _, f := range fakes {
		t.Run(f.name, func(t *testing.T) {
			reqs := requests(6)
			s := f.server(t, llmtest.BatchScript{
				Polls: 3,
				Respond: func(r llmtest.Request) llmtest.Reply {
					if strings.Contains(r.User, "Name: f1\n") {
						return llmtest.Fail(400)
					}
					return llmtest.Echo()(r)
				},
				Expire: func(id string) bool { return id == reqs[2].ConstructID },
			})
			dir := t.TempDir()
			var sl sleeps
			var progress []batch.Progress
			var delivered []batch.Result
			out, rep, err := batch.Run(context.Background(), f.client(t, s.URL()), reqs, batch.Options{
				Dir: dir, Sleep: sl.sleep, PollInterval: time.Second, MaxPollInterval: 3 * time.Second,
				Progress: func(p batch.Progress) { progress = append(progress, p) },
				OnResults: func(rs []batch.Result) error {
					if _, err := os.Stat(statePath(dir)); err != nil {
						t.Errorf("results delivered after the batch was forgotten: %v", err)
					}
					delivered = append(delivered, rs...)
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != 6 || len(delivered) != 6 {
				t.Fatalf("%d results, %d delivered", len(out), len(delivered))
			}
			for i, r := range reqs {
				res := out[r.ConstructID]
				switch i {
				case 1:
					if llm.KindOf(res.Err) != llm.BadRequest {
						t.Errorf("failed request: %v", res.Err)
					}
				case 2:
					var e *llm.Error
					if !errors.As(res.Err, &e) || e.Code != llm.BatchExpiredCode {
						t.Errorf("expired request: %v", res.Err)
					}
				default:
					if want := llmtest.EchoDecision(r.User); res.Err != nil || string(res.Answer.Raw) != want {
						t.Errorf("request %d: %s, %v; want %s", i, res.Answer.Raw, res.Err, want)
					}
				}
			}
			if rep.Batches != 1 || rep.Submitted != 1 || rep.Succeeded != 4 || rep.Failed != 1 || rep.Expired != 1 || rep.Usage.InputTokens == 0 || rep.Usage.OutputTokens == 0 {
				t.Errorf("report %+v", rep)
			}
			// Three looks at a running batch, then the one that finds it
			// ended; the waits grow by half and stop at the maximum.
			if want := []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond}; fmt.Sprint(sl.d) != fmt.Sprint(want) {
				t.Errorf("sleeps %v, want %v", sl.d, want)
			}
			if len(progress) != 4 || progress[0].Total != 6 || progress[3].Ended != 1 || !progress[3].Batch.State.Done() {
				t.Errorf("progress %+v", progress)
			}
			if _, err := os.Stat(statePath(dir)); !os.IsNotExist(err) {
				t.Errorf("the state file outlived its batches: %v", err)
			}
			if s.Submissions() != 1 {
				t.Errorf("%d submissions", s.Submissions())
			}
		})
	}
}

func TestRunSplitsAtLimits(t *testing.T) {
	for _, f := range fakes {
		t.Run(f.name, func(t *testing.T) {
			s := f.server(t, llmtest.BatchScript{})
			p := f.client(t, s.URL())
			reqs := requests(5)
			var sl sleeps
			out, rep, err := batch.Run(context.Background(), p, reqs, batch.Options{Dir: t.TempDir(), Sleep: sl.sleep, MaxRequests: 2})
			if err != nil || len(out) != 5 || rep.Succeeded != 5 || rep.Submitted != 3 || s.Submissions() != 3 {
				t.Fatalf("by count: %d results, %+v, %d submissions, %v", len(out), rep, s.Submissions(), err)
			}
			for _, id := range s.BatchIDs() {
				if n := len(s.Items(id)); n > 2 {
					t.Errorf("batch %s holds %d requests", id, n)
				}
			}

			// By bytes: room for two requests and not three.
			size, err := p.Size(reqs[0])
			if err != nil {
				t.Fatal(err)
			}
			s2 := f.server(t, llmtest.BatchScript{})
			_, rep, err = batch.Run(context.Background(), f.client(t, s2.URL()), reqs, batch.Options{Dir: t.TempDir(), Sleep: sl.sleep, MaxBytes: 2*size + size/2})
			if err != nil || rep.Succeeded != 5 || s2.Submissions() != 3 {
				t.Fatalf("by bytes: %+v, %d submissions, %v", rep, s2.Submissions(), err)
			}

			// A request larger than a whole batch fails alone.
			s3 := f.server(t, llmtest.BatchScript{})
			big := requests(3)
			big[1].User += strings.Repeat("x = 1\n", 400)
			out, rep, err = batch.Run(context.Background(), f.client(t, s3.URL()), big, batch.Options{Dir: t.TempDir(), Sleep: sl.sleep, MaxBytes: size + 100})
			if err != nil || rep.Succeeded != 2 || rep.Failed != 1 || llm.KindOf(out[big[1].ConstructID].Err) != llm.BadRequest {
				t.Errorf("too big: %+v, %v", rep, err)
			}
		})
	}
}

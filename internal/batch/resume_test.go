package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/batch"
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// savedIDs reads the batch ids of the state file.
func savedIDs(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(statePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range st.Batches {
		ids = append(ids, b.ID)
	}
	return ids
}

// TestRunResumes stops a run after its batch was submitted (Ctrl-C while
// waiting), then runs again: the second run finds the saved batch and
// submits only what it does not cover.
func TestRunResumes(t *testing.T) {
	for _, f := range fakes {
		t.Run(f.name, func(t *testing.T) {
			s := f.server(t, llmtest.BatchScript{Polls: 2})
			dir := t.TempDir()
			reqs := requests(4)
			ctx, cancel := context.WithCancel(context.Background())
			var sl sleeps
			out, rep, err := batch.Run(ctx, f.client(t, s.URL()), reqs, batch.Options{
				Dir: dir, Sleep: sl.sleep,
				Progress: func(batch.Progress) { cancel() },
			})
			if !errors.Is(err, context.Canceled) || len(out) != 0 || rep.Submitted != 1 {
				t.Fatalf("first run: %d results, %+v, %v", len(out), rep, err)
			}
			if ids := savedIDs(t, dir); len(ids) != 1 || ids[0] != s.BatchIDs()[0] {
				t.Fatalf("saved %v, submitted %v", ids, s.BatchIDs())
			}
			if ignore, err := os.ReadFile(filepath.Join(dir, cache.DirName, ".gitignore")); err != nil || !strings.Contains(string(ignore), "*") {
				t.Errorf(".gitignore: %q, %v", ignore, err)
			}

			// The second run: same four constructs, one of them edited, and
			// a new one.
			again := requests(5)
			again[3].User += "# edited\n"
			out, rep, err = batch.Run(context.Background(), f.client(t, s.URL()), again, batch.Options{Dir: dir, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			if s.Submissions() != 2 || rep.Resumed != 1 || rep.Submitted != 1 || rep.Batches != 2 || rep.Succeeded != 5 {
				t.Fatalf("second run: %d submissions in all, %+v", s.Submissions(), rep)
			}
			second := s.Items(s.BatchIDs()[1])
			if len(second) != 2 || second[0].CustomID != again[3].ConstructID || second[1].CustomID != again[4].ConstructID {
				t.Errorf("the second batch holds %+v; want the edited and the new construct", second)
			}
			for _, r := range again {
				if want := llmtest.EchoDecision(r.User); string(out[r.ConstructID].Answer.Raw) != want {
					t.Errorf("%s: %s, want %s", r.ConstructID, out[r.ConstructID].Answer.Raw, want)
				}
			}
			if _, err := os.Stat(statePath(dir)); !os.IsNotExist(err) {
				t.Errorf("the state file outlived its batches: %v", err)
			}

			// A third run finds nothing saved and submits everything.
			if _, rep, err := batch.Run(context.Background(), f.client(t, s.URL()), again[:1], batch.Options{Dir: dir, Sleep: sl.sleep}); err != nil || rep.Submitted != 1 || rep.Resumed != 0 {
				t.Errorf("third run: %+v, %v", rep, err)
			}
		})
	}
}

// TestRunKeepsBatchWhenStoringFails checks that results the caller could
// not store leave the batch saved, and a later run delivers them again.
func TestRunKeepsBatchWhenStoringFails(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{})
	dir := t.TempDir()
	var sl sleeps
	reqs := requests(2)
	_, _, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), reqs, batch.Options{
		Dir: dir, Sleep: sl.sleep,
		OnResults: func([]batch.Result) error { return errors.New("disk full") },
	})
	if err == nil || !strings.Contains(err.Error(), "disk full") || len(savedIDs(t, dir)) != 1 {
		t.Fatalf("err %v", err)
	}
	out, rep, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), reqs, batch.Options{Dir: dir, Sleep: sl.sleep})
	if err != nil || len(out) != 2 || rep.Resumed != 1 || s.Submissions() != 1 {
		t.Errorf("second run: %+v, %d submissions, %v", rep, s.Submissions(), err)
	}
}

// TestCancel cancels the batches a stopped run left, then collects them:
// what ran before the cancel is answered, the rest comes back canceled.
func TestCancel(t *testing.T) {
	for _, f := range fakes {
		t.Run(f.name, func(t *testing.T) {
			s := f.server(t, llmtest.BatchScript{Polls: 3})
			dir := t.TempDir()
			reqs := requests(4)
			ctx, stop := context.WithCancel(context.Background())
			looks := 0
			var sl sleeps
			_, _, err := batch.Run(ctx, f.client(t, s.URL()), reqs, batch.Options{Dir: dir, Sleep: sl.sleep,
				Progress: func(batch.Progress) {
					if looks++; looks == 2 {
						stop()
					}
				}})
			if !errors.Is(err, context.Canceled) {
				t.Fatal(err)
			}
			n, err := batch.Cancel(context.Background(), f.client(t, s.URL()), dir)
			if err != nil || n != 1 || s.Cancels() != 1 {
				t.Fatalf("Cancel: %d, %v, %d cancels", n, err, s.Cancels())
			}
			out, rep, err := batch.Run(context.Background(), f.client(t, s.URL()), reqs, batch.Options{Dir: dir, Sleep: sl.sleep})
			if err != nil || s.Submissions() != 1 || rep.Succeeded != 2 || rep.Canceled != 2 {
				t.Fatalf("after cancel: %+v, %d submissions, %v", rep, s.Submissions(), err)
			}
			var e *llm.Error
			if !errors.As(out[reqs[3].ConstructID].Err, &e) || e.Code != llm.BatchCanceledCode {
				t.Errorf("a request the cancel stopped: %v", out[reqs[3].ConstructID].Err)
			}
		})
	}
}

func TestRunWholeBatchOutcomes(t *testing.T) {
	var sl sleeps
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Expire: func(string) bool { return true }})
	_, rep, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), requests(3), batch.Options{Dir: t.TempDir(), Sleep: sl.sleep})
	if err != nil || rep.Expired != 3 || rep.Succeeded != 0 {
		t.Errorf("expired batch: %+v, %v", rep, err)
	}

	s = llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Fail: "the model is not available for batches"})
	out, rep, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), requests(3), batch.Options{Dir: t.TempDir(), Sleep: sl.sleep})
	if err != nil || rep.Failed != 3 {
		t.Fatalf("failed batch: %+v, %v", rep, err)
	}
	for _, r := range out {
		if r.Err == nil || !strings.Contains(r.Err.Error(), "not available for batches") {
			t.Errorf("%s: %v", r.CustomID, r.Err)
		}
	}
}

// TestRunLeavesOtherProvidersBatches checks that a run with another
// provider or model neither waits for nor forgets the saved batches of the
// first.
func TestRunLeavesOtherProvidersBatches(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Polls: 5})
	dir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	var sl sleeps
	batch.Run(ctx, fakes[0].client(t, s.URL()), requests(2), batch.Options{Dir: dir, Sleep: sl.sleep, Progress: func(batch.Progress) { stop() }})
	before := savedIDs(t, dir)

	a := llmtest.NewAnthropicBatch(t, llmtest.BatchScript{})
	_, rep, err := batch.Run(context.Background(), fakes[1].client(t, a.URL()), requests(2), batch.Options{Dir: dir, Sleep: sl.sleep})
	if err != nil || rep.Resumed != 0 || rep.Succeeded != 2 || a.Submissions() != 1 {
		t.Fatalf("other provider: %+v, %v", rep, err)
	}
	if after := savedIDs(t, dir); len(after) != 1 || after[0] != before[0] {
		t.Errorf("saved %v, then %v", before, after)
	}
}

func TestRunRejectsBadIDs(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{})
	var sl sleeps
	reqs := requests(2)
	reqs[0].ConstructID = "app/m.py#f"
	out, rep, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), reqs, batch.Options{Dir: t.TempDir(), Sleep: sl.sleep})
	if err != nil || rep.Failed != 1 || rep.Succeeded != 1 || llm.KindOf(out["app/m.py#f"].Err) != llm.BadRequest {
		t.Errorf("%+v, %v", rep, err)
	}
	dup := append(requests(1), requests(1)...)
	if _, _, err := batch.Run(context.Background(), fakes[0].client(t, s.URL()), dup, batch.Options{Dir: t.TempDir(), Sleep: sl.sleep}); err == nil {
		t.Error("a construct asked twice was accepted")
	}
}

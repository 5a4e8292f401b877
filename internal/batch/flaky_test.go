package batch_test

import (
	"context"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/batch"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// flaky fails the first n looks at any batch with a server error, as a
// provider having a bad minute does.
type flaky struct {
	batch.Provider
	n int
}

func (f *flaky) Status(ctx context.Context, id string) (llm.BatchStatus, error) {
	if f.n > 0 {
		f.n--
		return llm.BatchStatus{}, &llm.Error{Kind: llm.Server, Provider: "openai", Status: 500, Message: "The server had an error"}
	}
	return f.Provider.Status(ctx, id)
}

func TestRunRidesOutFailedLooks(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Polls: 1})
	var sl sleeps
	p := &flaky{Provider: fakes[0].client(t, s.URL()), n: 3}
	out, rep, err := batch.Run(context.Background(), p, requests(2), batch.Options{Dir: t.TempDir(), Sleep: sl.sleep, LookRetries: 4})
	if err != nil || len(out) != 2 || rep.Succeeded != 2 {
		t.Fatalf("%+v, %v", rep, err)
	}
}

func TestRunGivesUpOnABatchForThisRunOnly(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Polls: 1})
	dir := t.TempDir()
	var sl sleeps
	p := &flaky{Provider: fakes[0].client(t, s.URL()), n: 3}
	out, rep, err := batch.Run(context.Background(), p, requests(2), batch.Options{Dir: dir, Sleep: sl.sleep, LookRetries: 3})
	if err != nil || len(out) != 2 || rep.Failed != 2 || llm.KindOf(out[requests(2)[0].ConstructID].Err) != llm.Server {
		t.Fatalf("%+v, %v", rep, err)
	}
	if ids := savedIDs(t, dir); len(ids) != 1 {
		t.Fatalf("saved %v", ids)
	}
	// The provider is back: the next run collects the batch it gave up on.
	out, rep, err = batch.Run(context.Background(), p, requests(2), batch.Options{Dir: dir, Sleep: sl.sleep})
	if err != nil || rep.Succeeded != 2 || rep.Resumed != 1 || s.Submissions() != 1 {
		t.Errorf("next run: %+v, %v", rep, err)
	}
}

package openai

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// batchRequests returns n requests for distinct functions, with hex IDs
// like the real construct IDs.
func batchRequests(n int) []prompt.Request {
	var out []prompt.Request
	for i := range n {
		r := request()
		r.ConstructID = fmt.Sprintf("%016x", 0xc0ffee00+i)
		r.User = strings.Replace(r.User, "app.store.save", fmt.Sprintf("app.store.f%d", i), 1)
		out = append(out, r)
	}
	return out
}

func newBatchClient(t *testing.T, s *llmtest.BatchServer) *BatchClient {
	t.Helper()
	b, err := NewBatch(llm.Config{Provider: llm.OpenAI, BaseURL: s.URL(), Model: "gpt-4.1-mini", APIKey: testKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitEnded polls until the batch ends, bounded.
func waitEnded(t *testing.T, b *BatchClient, id string) llm.BatchStatus {
	t.Helper()
	for range 20 {
		st, err := b.Status(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if st.State.Done() {
			return st
		}
	}
	t.Fatal("the batch never ended")
	return llm.BatchStatus{}
}

func TestBatchRoundTrip(t *testing.T) {
	reqs := batchRequests(5)
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{
		Polls: 2,
		Respond: func(r llmtest.Request) llmtest.Reply {
			switch {
			case strings.Contains(r.User, "app.store.f1\n"):
				return llmtest.Fail(400)
			case strings.Contains(r.User, "app.store.f2\n"):
				return llmtest.Malformed("I cannot help with that.")
			}
			return llmtest.Echo()(r)
		},
		Expire: func(id string) bool { return id == reqs[3].ConstructID },
	})
	b := newBatchClient(t, s)
	ctx := context.Background()
	id, err := b.Submit(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}

	// The first looks see a running batch whose counts grow.
	st, err := b.Status(ctx, id)
	if err != nil || st.State != llm.BatchRunning || st.Total != 5 {
		t.Fatalf("first look: %+v, %v", st, err)
	}
	st = waitEnded(t, b, id)
	if st.State != llm.BatchExpired || st.Phase != "expired" || st.Completed != 3 || st.Failed != 2 { // a malformed answer is a completed request
		t.Errorf("ended: %+v", st)
	}

	results, err := b.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]llm.BatchResult{}
	for _, r := range results {
		got[r.CustomID] = r
	}
	if len(got) != 5 {
		t.Fatalf("%d results: %+v", len(got), results)
	}
	for _, i := range []int{0, 4} {
		r := got[reqs[i].ConstructID]
		want := llmtest.EchoDecision(reqs[i].User)
		if r.Err != nil || string(r.Answer.Raw) != want || r.Answer.Usage.InputTokens == 0 || r.Answer.Model == "" {
			t.Errorf("request %d: %+v, %v; want %s", i, r.Answer, r.Err, want)
		}
	}
	if k := llm.KindOf(got[reqs[1].ConstructID].Err); k != llm.BadRequest {
		t.Errorf("failed request: kind %v (%v)", k, got[reqs[1].ConstructID].Err)
	}
	var e *llm.Error
	if !errors.As(got[reqs[2].ConstructID].Err, &e) || e.Kind != llm.Malformed || e.Usage.OutputTokens == 0 {
		t.Errorf("malformed answer: %v", got[reqs[2].ConstructID].Err)
	}
	if !errors.As(got[reqs[3].ConstructID].Err, &e) || e.Code != llm.BatchExpiredCode || !e.Kind.Retryable() {
		t.Errorf("expired request: %v", got[reqs[3].ConstructID].Err)
	}
}

// TestBatchSendsWhatDecideSends checks each line's body against the body
// of the synchronous request for the same construct.
func TestBatchSendsWhatDecideSends(t *testing.T) {
	req := batchRequests(1)[0]
	sync := llmtest.NewOpenAI(t, llmtest.Echo())
	if _, err := newClient(t, sync, llm.OpenAI).Decide(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{})
	b := newBatchClient(t, s)
	id, err := b.Submit(context.Background(), []prompt.Request{req})
	if err != nil {
		t.Fatal(err)
	}
	items := s.Items(id)
	if len(items) != 1 || items[0].CustomID != req.ConstructID || items[0].Request.Path != "/v1/chat/completions" {
		t.Fatalf("items: %+v", items)
	}
	if !jsonEqual(t, items[0].Request.Body, sync.Requests()[0].Body) {
		t.Errorf("batch body %s\nsync body %s", items[0].Request.Body, sync.Requests()[0].Body)
	}
	for _, r := range s.Requests() {
		if r.Path == "/v1/files" && r.Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("upload without the key")
		}
	}
	if n, _ := b.Size(req); n < int64(len(items[0].Request.Body)) {
		t.Errorf("Size %d is less than the body's %d bytes", n, len(items[0].Request.Body))
	}
}

func TestBatchCancel(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Polls: 3})
	b := newBatchClient(t, s)
	ctx := context.Background()
	reqs := batchRequests(4)
	id, err := b.Submit(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.Status(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	st := waitEnded(t, b, id)
	if st.State != llm.BatchCanceled {
		t.Fatalf("after cancel: %+v", st)
	}
	results, err := b.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	answered, canceled := 0, 0
	for _, r := range results {
		switch {
		case r.Err == nil:
			answered++
		case llm.KindOf(r.Err) == llm.Canceled:
			canceled++
		}
	}
	// Two looks of three had run two of four requests.
	if answered != 2 || canceled != 2 || s.Cancels() != 1 {
		t.Errorf("answered %d canceled %d cancels %d", answered, canceled, s.Cancels())
	}
}

func TestBatchFailedValidation(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{Fail: "model gpt-nope is not available for batches"})
	b := newBatchClient(t, s)
	id, err := b.Submit(context.Background(), batchRequests(2))
	if err != nil {
		t.Fatal(err)
	}
	st := waitEnded(t, b, id)
	if st.State != llm.BatchFailed || !strings.Contains(st.Message, "gpt-nope") {
		t.Errorf("status: %+v", st)
	}
	results, err := b.Results(context.Background(), id)
	if err != nil || len(results) != 0 {
		t.Errorf("results of a failed batch: %v, %v", results, err)
	}
}

func TestBatchErrors(t *testing.T) {
	s := llmtest.NewOpenAIBatch(t, llmtest.BatchScript{})
	b := newBatchClient(t, s)
	_, err := b.Status(context.Background(), "batch_missing")
	if llm.KindOf(err) != llm.NotFound {
		t.Errorf("unknown batch: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("the key leaked: %v", err)
	}
	if max, bytes := b.Limits(); max != 50_000 || bytes != 200_000_000 {
		t.Errorf("Limits = %d, %d", max, bytes)
	}
}

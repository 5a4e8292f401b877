package anthropic

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

// batchRequests returns n requests for distinct loops, with hex IDs like
// the real construct IDs.
func batchRequests(n int) []prompt.Request {
	var out []prompt.Request
	for i := range n {
		r := request()
		r.ConstructID = fmt.Sprintf("%016x", 0xbeef00+i)
		r.User = strings.Replace(r.User, "app.store.save", fmt.Sprintf("app.store.f%d", i), 1)
		out = append(out, r)
	}
	return out
}

func newBatchClient(t *testing.T, s *llmtest.BatchServer) *BatchClient {
	t.Helper()
	b, err := NewBatch(llm.Config{Provider: llm.Anthropic, BaseURL: s.URL(), Model: "claude-haiku-4-5", APIKey: testKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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
	s := llmtest.NewAnthropicBatch(t, llmtest.BatchScript{
		Polls: 2,
		Respond: func(r llmtest.Request) llmtest.Reply {
			switch {
			case strings.Contains(r.User, "app.store.f1\n"):
				return llmtest.Overloaded()
			case strings.Contains(r.User, "app.store.f2\n"):
				return llmtest.Malformed("I would rather not.")
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
	if !strings.HasPrefix(id, "msgbatch_") {
		t.Errorf("id %q", id)
	}
	st, err := b.Status(ctx, id)
	if err != nil || st.State != llm.BatchRunning || st.Total != 5 || st.Phase != "in_progress" {
		t.Fatalf("first look: %+v, %v", st, err)
	}
	st = waitEnded(t, b, id)
	// Anthropic counts a malformed answer as succeeded: the request ran.
	if st.State != llm.BatchCompleted || st.Phase != "ended" || st.Completed != 3 || st.Failed != 2 {
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
		if want := llmtest.EchoDecision(reqs[i].User); r.Err != nil || string(r.Answer.Raw) != want || r.Answer.Usage.OutputTokens == 0 {
			t.Errorf("request %d: %+v, %v; want %s", i, r.Answer, r.Err, want)
		}
	}
	var e *llm.Error
	if !errors.As(got[reqs[1].ConstructID].Err, &e) || e.Kind != llm.Overloaded || e.RequestID == "" {
		t.Errorf("errored request: %v", got[reqs[1].ConstructID].Err)
	}
	if !errors.As(got[reqs[2].ConstructID].Err, &e) || e.Kind != llm.Malformed {
		t.Errorf("malformed answer: %v", got[reqs[2].ConstructID].Err)
	}
	if !errors.As(got[reqs[3].ConstructID].Err, &e) || e.Code != llm.BatchExpiredCode {
		t.Errorf("expired request: %v", got[reqs[3].ConstructID].Err)
	}
}

// TestBatchSendsWhatDecideSends checks each request's params against the
// body of the synchronous request for the same construct.
func TestBatchSendsWhatDecideSends(t *testing.T) {
	req := batchRequests(1)[0]
	sync := llmtest.NewAnthropic(t, llmtest.Echo())
	if _, err := newClient(t, sync, 5*time.Second).Decide(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	s := llmtest.NewAnthropicBatch(t, llmtest.BatchScript{})
	b := newBatchClient(t, s)
	id, err := b.Submit(context.Background(), []prompt.Request{req})
	if err != nil {
		t.Fatal(err)
	}
	items := s.Items(id)
	if len(items) != 1 || items[0].CustomID != req.ConstructID {
		t.Fatalf("items: %+v", items)
	}
	if !jsonEqual(items[0].Request.Body, sync.Requests()[0].Body) {
		t.Errorf("batch params %s\nsync body %s", items[0].Request.Body, sync.Requests()[0].Body)
	}
	if n, _ := b.Size(req); n < int64(len(items[0].Request.Body)) {
		t.Errorf("Size %d is less than the params' %d bytes", n, len(items[0].Request.Body))
	}
}

func TestBatchCancel(t *testing.T) {
	s := llmtest.NewAnthropicBatch(t, llmtest.BatchScript{Polls: 3})
	b := newBatchClient(t, s)
	ctx := context.Background()
	id, err := b.Submit(ctx, batchRequests(4))
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
		var e *llm.Error
		switch {
		case r.Err == nil:
			answered++
		case errors.As(r.Err, &e) && e.Code == llm.BatchCanceledCode:
			canceled++
		}
	}
	if answered != 2 || canceled != 2 || s.Cancels() != 1 {
		t.Errorf("answered %d canceled %d cancels %d", answered, canceled, s.Cancels())
	}
}

func TestBatchErrors(t *testing.T) {
	s := llmtest.NewAnthropicBatch(t, llmtest.BatchScript{Polls: 5})
	b := newBatchClient(t, s)
	ctx := context.Background()
	if _, err := b.Status(ctx, "msgbatch_missing"); llm.KindOf(err) != llm.NotFound {
		t.Errorf("unknown batch: %v", err)
	}
	// Anthropic refuses a custom_id outside [a-zA-Z0-9_-]{1,64} outright.
	bad := batchRequests(1)
	bad[0].ConstructID = "app/store.py#save"
	if _, err := b.Submit(ctx, bad); llm.KindOf(err) != llm.BadRequest {
		t.Errorf("bad custom_id: %v", err)
	}
	id, err := b.Submit(ctx, batchRequests(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Results(ctx, id); llm.KindOf(err) != llm.BadRequest {
		t.Errorf("results of a running batch: %v", err)
	}
	if max, bytes := b.Limits(); max != 100_000 || bytes > 256_000_000 || bytes < 255_000_000 {
		t.Errorf("Limits = %d, %d", max, bytes)
	}
}

package bench

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

func TestHostedSimRateLimitsWithOpenAIHeaders(t *testing.T) {
	sim := StartSim(SimConfig{RPM: 2, TPM: 100000, Window: time.Second})
	defer sim.Close()
	c := newClient([]string{sim.URL()})
	defer c.close()
	j := job{id: 7, work: Work{PromptTokens: 100, OutputTokens: 10, Service: time.Millisecond}}
	ctx := context.Background()

	ans, fb, _, err := c.do(ctx, 0, j)
	if err != nil || ans != "span-7" || fb.Tokens != 110 {
		t.Fatalf("first answer %q, %+v, %v", ans, fb, err)
	}
	if r := fb.Rate.Requests; r == nil || r.Limit != 2 || r.Remaining != 1 || r.Reset <= 0 || r.Reset > time.Second {
		t.Fatalf("request bucket from headers: %+v", fb.Rate.Requests)
	}
	if r := fb.Rate.Tokens; r == nil || r.Limit != 100000 || r.Remaining != 100000-110 {
		t.Fatalf("token bucket from headers: %+v", fb.Rate.Tokens)
	}
	_, _, _, _ = c.do(ctx, 0, j)
	_, fb, resp, err := c.do(ctx, 0, j)
	var se *statusError
	if !errors.As(err, &se) || se.status != 429 || fb.Class != engine.RateLimited {
		t.Fatalf("third request: %v, class %v", err, fb.Class)
	}
	// Empty bucket at 2 per second: the next request in about 500ms.
	if fb.RetryAfter < 300*time.Millisecond || fb.RetryAfter > 600*time.Millisecond || resp.Header.Get("retry-after") != "1" {
		t.Fatalf("retry-after %v (header %q)", fb.RetryAfter, resp.Header.Get("retry-after"))
	}
	if got := sim.Counts(); got.Status429 != 1 || got.OK != 2 {
		t.Fatalf("server counts %+v", got)
	}
}

func TestOllamaSimQueuesThenRefuses(t *testing.T) {
	sim := StartSim(SimConfig{Ollama: true, Slots: 1, Queue: 1})
	defer sim.Close()
	c := newClient([]string{sim.URL()})
	defer c.close()
	slow := job{id: 1, work: Work{Service: 300 * time.Millisecond}}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ { // one runs, one waits in the queue
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, _ = c.do(context.Background(), 0, slow)
		}()
	}
	time.Sleep(100 * time.Millisecond)
	_, fb, _, err := c.do(context.Background(), 0, job{id: 2})
	var se *statusError
	if !errors.As(err, &se) || se.status != 503 || fb.Class != engine.Overloaded {
		t.Fatalf("third request with the slot and queue full: %v, class %v", err, fb.Class)
	}
	wg.Wait()
	if got := sim.Counts(); got.OK != 2 || got.Status503 != 1 {
		t.Fatalf("server counts %+v", got)
	}
}

func TestBoundsFromLimits(t *testing.T) {
	jobs := make([]job, 300)
	for i := range jobs {
		jobs[i] = job{id: i, work: Work{PromptTokens: 90, OutputTokens: 10, Service: 100 * time.Millisecond}}
	}
	// 100 requests start in the bucket, the other 200 come at 100 per
	// minute: 2 minutes, plus one service time.
	if got := hostedBound(jobs, 100, 0, time.Minute); got != 2*time.Minute+100*time.Millisecond {
		t.Fatalf("request-bound = %v", got)
	}
	// 30,000 tokens; 5,000 in the bucket, 25,000 at 5,000 a minute.
	if got := hostedBound(jobs, 1000, 5000, time.Minute); got != 5*time.Minute+100*time.Millisecond {
		t.Fatalf("token-bound = %v", got)
	}
	// Ten jobs of 1s on 4 slots: some slot runs three (9 of the longest
	// on 4 slots), so 3s, not 10/4.
	ten := make([]job, 10)
	for i := range ten {
		ten[i] = job{work: Work{Service: time.Second}}
	}
	if got := slotBound(ten, []int{4}, []float64{1}); got != 3*time.Second {
		t.Fatalf("slot bound of coarse jobs = %v", got)
	}
	// 30s of service on 4 fast slots and 4 slots 3x slower: 30/(4+4/3).
	if got := slotBound(jobs, []int{4, 4}, []float64{1, 3}); got.Round(time.Millisecond) != 5625*time.Millisecond {
		t.Fatalf("slot bound = %v", got)
	}
}

// TestStreamedAnswerHeadersComeFirst: a streamed chat completion's
// headers (rate limits included) leave at its first token, about a third
// of its service time, and the chunks that follow add up to the answer.
func TestStreamedAnswerHeadersComeFirst(t *testing.T) {
	sim := StartSim(SimConfig{RPM: 600, TPM: 1_000_000, Window: time.Minute, Seed: 3, Median: 300 * time.Millisecond})
	defer sim.Close()
	body := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Kind: function\nName: scale_7\n"}],"stream":true}`
	start := time.Now()
	resp, err := http.Post(sim.URL()+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	headers := time.Since(start)
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	whole := time.Since(start)
	service := WorkFor(3, 7, 300*time.Millisecond).Service
	if resp.Header.Get("x-ratelimit-remaining-requests") != "599" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("headers %v", resp.Header)
	}
	if headers > service/2 || whole < service {
		t.Errorf("headers after %v, answer after %v, for a service time of %v: want the headers at about a third", headers, whole, service)
	}
	var content strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "data: {") {
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(line[len("data: "):]), &c); err != nil {
			t.Fatalf("chunk %s: %v", line, err)
		}
		for _, ch := range c.Choices {
			content.WriteString(ch.Delta.Content)
		}
	}
	if !strings.HasSuffix(string(data), "data: [DONE]\n\n") || !strings.Contains(content.String(), `"name":"sim.scale_7"`) {
		t.Errorf("stream %q assembles to %q", data, content.String())
	}
}

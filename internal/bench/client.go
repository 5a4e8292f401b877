package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// job is one synthetic request: an id, the file it belongs to, and its work.
type job struct {
	id   int
	file string
	work Work
}

// errMalformed marks an answer that arrived but holds no usable decision;
// the real pipeline falls back to the built-in planner for it.
var errMalformed = errors.New("malformed answer")

// statusError is a non-2xx answer.
type statusError struct {
	status int
	body   string
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// client speaks to simulated hosts with a plain net/http client.
type client struct {
	http  *http.Client
	hosts []string
}

func newClient(hosts []string) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Keep connections for every request that may be in flight, or the
	// benchmark would measure TCP handshakes.
	tr.MaxIdleConns = 1024
	tr.MaxIdleConnsPerHost = 512
	return &client{http: &http.Client{Transport: tr}, hosts: hosts}
}

func (c *client) close() { c.http.CloseIdleConnections() }

// do sends j to host hi and returns the answer and how it went.
func (c *client) do(ctx context.Context, hi int, j job) (string, engine.Feedback, *http.Response, error) {
	body, _ := json.Marshal(simRequest{ID: j.id, Prompt: j.work.PromptTokens, Output: j.work.OutputTokens, ServiceUS: j.work.Service.Microseconds()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.hosts[hi]+"/v1/chat", bytes.NewReader(body))
	if err != nil {
		return "", engine.Feedback{Class: engine.Fatal}, nil, fmt.Errorf("building request %d: %w", j.id, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		// Left unclassified: the engine retries deadlines and network errors.
		return "", engine.Feedback{}, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", engine.Feedback{}, resp, err
	}
	fb := engine.Feedback{Rate: openAIRate(resp.Header)}
	if resp.StatusCode != http.StatusOK {
		// Classified as the provider layer classifies the real APIs.
		fb.Class = llm.StatusKind(resp.StatusCode, "", "", "").Class()
		if d, ok := llm.ParseRetryAfter(resp.Header.Get("retry-after"), resp.Header.Get("retry-after-ms"), time.Now()); ok {
			fb.RetryAfter = d
		}
		return "", fb, resp, &statusError{status: resp.StatusCode, body: string(bytes.TrimSpace(data))}
	}
	var a simAnswer
	if err := json.Unmarshal(data, &a); err != nil || a.ID != j.id || a.Answer == "" {
		// Asked again once, as the command line does.
		fb.Class = engine.Invalid
		return "", fb, resp, fmt.Errorf("request %d: %w", j.id, errMalformed)
	}
	fb.Tokens = a.Usage.TotalTokens
	return a.Answer, fb, resp, nil
}

// call adapts do to engine.Call.
func (c *client) call(ctx context.Context, hi int, j job) (string, engine.Feedback, error) {
	ans, fb, _, err := c.do(ctx, hi, j)
	return ans, fb, err
}

// openAIRate reads x-ratelimit-* headers; nil when there are none.
func openAIRate(h http.Header) *engine.RateState {
	read := func(what string) *engine.Bucket {
		b := engine.Bucket{Limit: -1, Remaining: -1, Reset: -1}
		if v, err := strconv.ParseInt(h.Get("x-ratelimit-limit-"+what), 10, 64); err == nil {
			b.Limit = v
		}
		if v, err := strconv.ParseInt(h.Get("x-ratelimit-remaining-"+what), 10, 64); err == nil {
			b.Remaining = v
		}
		if d, ok := llm.ParseResetDuration(h.Get("x-ratelimit-reset-"+what), time.Now()); ok {
			b.Reset = d
		}
		if b.Limit < 0 && b.Remaining < 0 && b.Reset < 0 {
			return nil
		}
		return &b
	}
	rs := &engine.RateState{Requests: read("requests"), Tokens: read("tokens")}
	if rs.Requests == nil && rs.Tokens == nil {
		return nil
	}
	return rs
}

// Package engine runs many independent requests against one or more hosts
// as fast as the hosts allow and no faster. It knows nothing about HTTP or
// any provider: the caller hands it a Call function and, with every answer,
// Feedback that says what the host reported (tokens used, rate-limit state,
// what kind of failure it was). The engine owns ordering, concurrency,
// rate limits, retries and cancellation:
//
//   - one Result per input index, in input order, holding a value or an error;
//   - an adjustable concurrency limit per host, ramped up from a low start
//     and adapted by AIMD (additive increase while healthy, multiplicative
//     decrease on 429, 503/529 or latency growing above what was seen);
//   - request and token buckets per host that refill continuously, with
//     tokens estimated before a call and corrected from reported usage after
//     it, re-set from the host's own rate-limit headers; the requests not
//     yet sent are reserved at what the answers so far showed a request
//     uses, not at the caller's first guess;
//   - a rate-limit answer pauses all dispatch to that host for its
//     retry-after, not just the one request;
//   - retries with full-jitter exponential backoff and bounded attempts for
//     what can succeed later; fatal failures fail their own request only; an
//     authentication failure stops the whole run with one error;
//   - several hosts, each with its own limits and health, with failing hosts
//     cooled down and their work going to the others.
//
// The engine imports nothing of the rest of this project.
package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Call sends one request to the host with the given index (into
// Options.Hosts) and returns its answer, or an error. Feedback accompanies
// both: the engine reads tokens and rate-limit state from successes too.
// Call must return promptly once ctx is done.
type Call[Req, Resp any] func(ctx context.Context, host int, req Req) (Resp, Feedback, error)

// Class says what the engine should do about a failed call.
type Class int

// The classes of failure. The zero value, Unclassified, lets the engine
// decide: context deadlines and network errors are retried, everything else
// is fatal for its request.
const (
	Unclassified Class = iota
	// Retryable failures (5xx, 408, 409, timeouts, dropped connections) are
	// retried with backoff, and count against the host's health.
	Retryable
	// RateLimited failures (429 for requests or tokens) pause all dispatch to
	// the host for Feedback.RetryAfter, lower its concurrency, and retry.
	RateLimited
	// Overloaded failures (503, 529, a full Ollama queue) lower the host's
	// concurrency and retry with backoff.
	Overloaded
	// Fatal failures (400, 403, 404, an exhausted quota, a malformed answer)
	// fail this request alone, without retry.
	Fatal
	// StopAll failures (401) cancel the whole run: every unfinished request
	// gets this error.
	StopAll
	// Invalid failures (a malformed or invalid answer) are asked again
	// once, at once: models often answer well the second time, and a
	// second bad answer means the request itself is the problem.
	Invalid
)

var classNames = [...]string{"unclassified", "retryable", "rate limited", "overloaded", "fatal", "stop all", "invalid"}

// String names the class.
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Bucket is one rate limit as a host reported it. Negative fields were not
// reported.
type Bucket struct {
	// Limit is the bucket's size per HostLimits.Window.
	Limit int64
	// Remaining is what was left of it when the host answered.
	Remaining int64
	// Reset is how long until the bucket is full again.
	Reset time.Duration
}

// RateState is the rate-limit state a host reported with one answer. A nil
// bucket was not reported.
type RateState struct {
	// Requests is the request bucket.
	Requests *Bucket
	// Tokens is the token bucket.
	Tokens *Bucket
}

// Feedback is what the caller learned from one call besides its value.
type Feedback struct {
	// Tokens is what the call really used (input plus output), 0 when
	// unknown; the estimate reserved before the call is corrected by the
	// difference.
	Tokens int
	// Rate is the rate-limit state from the answer's headers, nil when none.
	Rate *RateState
	// Class classifies an error; it is ignored on success.
	Class Class
	// RetryAfter is how long the host asked to wait, 0 when it did not say.
	RetryAfter time.Duration
}

// Result is the outcome of one request.
type Result[Resp any] struct {
	// Value is the answer when Err is nil.
	Value Resp
	// Err is why the request failed: the last attempt's error, the error
	// that stopped the run, or the context's error when the run was canceled
	// before the request finished.
	Err error
	// Attempts is how many times the request was sent.
	Attempts int
	// Host is the index of the host the last attempt went to, -1 if none.
	Host int
	// Latency is how long the last attempt took.
	Latency time.Duration
	// Reasked counts the times an invalid answer was asked again.
	Reasked int
	// Finished is when the request finished, measured from the run's start.
	Finished time.Duration
}

// classify decides what an unclassified error means: waiting out a deadline
// or reconnecting may help, anything else would fail the same way again.
func classify(err error, fb Feedback) Class {
	if fb.Class != Unclassified {
		return fb.Class
	}
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr):
		return Retryable
	}
	return Fatal
}

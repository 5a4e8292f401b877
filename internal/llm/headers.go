package llm

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bucket is one rate limit as a provider reports it. Fields the provider did
// not send are negative.
type Bucket struct {
	// Limit is the bucket's size per window (requests or tokens per minute).
	Limit int64
	// Remaining is what is left of it now.
	Remaining int64
	// Reset is how long until the bucket is full again.
	Reset time.Duration
}

// known reports whether any field of the bucket was sent.
func (b Bucket) known() bool { return b.Limit >= 0 || b.Remaining >= 0 || b.Reset >= 0 }

// Limits is the rate-limit state read from one response's headers. A nil
// bucket means the provider sent nothing about it.
type Limits struct {
	// Requests limits requests per minute (OpenAI and Anthropic).
	Requests *Bucket
	// Tokens limits tokens per minute: input plus output for OpenAI, the
	// most restrictive of input and output for Anthropic.
	Tokens *Bucket
	// InputTokens limits input tokens per minute (Anthropic).
	InputTokens *Bucket
	// OutputTokens limits output tokens per minute (Anthropic).
	OutputTokens *Bucket
}

// OpenAILimits reads OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}
// headers, whose resets are Go-style durations such as "6m0s", "1s", "12ms".
// It returns nil when none is present, which is also what OpenAI-compatible
// servers without rate limits give.
func OpenAILimits(h http.Header) *Limits {
	read := func(what string) *Bucket {
		b := Bucket{
			Limit:     headerInt(h, "x-ratelimit-limit-"+what),
			Remaining: headerInt(h, "x-ratelimit-remaining-"+what),
			Reset:     -1,
		}
		if v := h.Get("x-ratelimit-reset-" + what); v != "" {
			// OpenAI writes Go-style durations ("6m0s", "12ms"); some
			// compatible servers send bare seconds.
			if d, ok := ParseResetDuration(v, time.Now()); ok {
				b.Reset = d
			}
		}
		if !b.known() {
			return nil
		}
		return &b
	}
	l := &Limits{Requests: read("requests"), Tokens: read("tokens")}
	if l.Requests == nil && l.Tokens == nil {
		return nil
	}
	return l
}

// AnthropicLimits reads the anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}
// headers, whose resets are RFC 3339 times; now turns them into durations.
// It returns nil when none is present.
func AnthropicLimits(h http.Header, now time.Time) *Limits {
	read := func(what string) *Bucket {
		prefix := "anthropic-ratelimit-" + what + "-"
		b := Bucket{
			Limit:     headerInt(h, prefix+"limit"),
			Remaining: headerInt(h, prefix+"remaining"),
			Reset:     -1,
		}
		if v := h.Get(prefix + "reset"); v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				b.Reset = max(t.Sub(now), 0)
			}
		}
		if !b.known() {
			return nil
		}
		return &b
	}
	l := &Limits{
		Requests:     read("requests"),
		Tokens:       read("tokens"),
		InputTokens:  read("input-tokens"),
		OutputTokens: read("output-tokens"),
	}
	if l.Requests == nil && l.Tokens == nil && l.InputTokens == nil && l.OutputTokens == nil {
		return nil
	}
	return l
}

// RetryAfter reads how long the server asks the client to wait: OpenAI's
// retry-after-ms when present and valid, else retry-after in seconds or as
// an HTTP date. It returns 0 when the server said nothing usable; the
// engine gets the result as Feedback.RetryAfter and never reads headers.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	d, _ := ParseRetryAfter(h.Get("retry-after"), h.Get("retry-after-ms"), now)
	return d
}

// headerInt reads a non-negative integer header, -1 when absent or unreadable.
func headerInt(h http.Header, name string) int64 {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return -1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// earlyKey carries an early-limits report in a request's context.
type earlyKey struct{}

// WithEarlyLimits asks the client deciding under ctx to hand the answer's
// rate-limit headers to report as soon as they arrive, before the
// answer: a client whose provider sends them ahead of a streamed answer
// (OpenAI) streams it for that. report may not be called at all.
func WithEarlyLimits(ctx context.Context, report func(*Limits)) context.Context {
	return context.WithValue(ctx, earlyKey{}, report)
}

// EarlyLimits returns the report WithEarlyLimits put in ctx, or nil.
func EarlyLimits(ctx context.Context) func(*Limits) {
	f, _ := ctx.Value(earlyKey{}).(func(*Limits))
	return f
}

package llm

import (
	"math"
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
			if d, ok := ParseDuration(v); ok {
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
// retry-after-ms (milliseconds, may be fractional) first, as it is the more
// precise, then retry-after as seconds or an HTTP date relative to now. It
// returns 0 when neither is present or readable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("retry-after"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 || math.IsInf(s, 0) || math.IsNaN(s) {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// ParseDuration reads a reset duration as OpenAI writes it: Go-style units
// ("6m0s", "1s", "12ms", "1h2m3.5s", "500us") or, as some compatible servers
// send, a bare number of seconds ("20", "0.5"). Negative values are refused.
func ParseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false
	}
	return d, true
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

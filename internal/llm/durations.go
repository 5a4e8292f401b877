package llm

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseResetDuration reads how long until a rate limit resets, in any of the
// forms providers send: a Go-style duration as in OpenAI's
// x-ratelimit-reset-* headers ("6m0s", "1s", "12ms", "1h2m3.5s"), a number
// of seconds ("20", "0.5"), an RFC 3339 timestamp as in Anthropic's
// anthropic-ratelimit-*-reset headers, or an HTTP-date. Timestamps are
// turned into a duration from now; one in the past gives 0. It reports
// false when s is empty, unreadable or negative.
func ParseResetDuration(s string, now time.Time) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return secondsDuration(secs)
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return 0, false
		}
		return d, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return untilTime(t, now), true
	}
	if t, err := http.ParseTime(s); err == nil {
		return untilTime(t, now), true
	}
	return 0, false
}

// ParseRetryAfter reads a 429's or 503's wait from the retry-after-ms header
// (milliseconds, sent by OpenAI) when present and valid, else from
// retry-after (seconds or an HTTP-date, RFC 9110 section 10.2.3). It reports
// false when neither holds a usable value.
func ParseRetryAfter(retryAfter, retryAfterMs string, now time.Time) (time.Duration, bool) {
	if ms := strings.TrimSpace(retryAfterMs); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v >= 0 && v < 1e12 {
			return time.Duration(v * float64(time.Millisecond)), true
		}
	}
	ra := strings.TrimSpace(retryAfter)
	if ra == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(ra, 64); err == nil {
		return secondsDuration(secs)
	}
	if t, err := http.ParseTime(ra); err == nil {
		return untilTime(t, now), true
	}
	return 0, false
}

// secondsDuration converts a count of seconds, refusing negative values and
// values too large for a time.Duration (which would overflow silently).
func secondsDuration(secs float64) (time.Duration, bool) {
	if secs < 0 || secs > float64(1<<62)/float64(time.Second) || secs != secs {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

func untilTime(t, now time.Time) time.Duration {
	if d := t.Sub(now); d > 0 {
		return d
	}
	return 0
}

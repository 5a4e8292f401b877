package engine

import (
	"math/rand/v2"
	"time"
)

// HostLimits are what one host allows. Zero fields mean "no limit" (RPM,
// TPM) or "the default" (concurrency).
type HostLimits struct {
	// Name identifies the host in Stats (a base URL, say).
	Name string
	// RPM and TPM are requests and tokens per Window. The host's own
	// rate-limit headers replace them when they differ.
	RPM, TPM int
	// Window is the period RPM and TPM are counted over: a minute for every
	// provider; the benchmark compresses time by shortening it.
	Window time.Duration
	// MaxConcurrency caps the requests in flight to this host (default 64).
	MaxConcurrency int
	// StartConcurrency is where the adaptive limit starts (default 4, or
	// MaxConcurrency when that is lower); it ramps up from there, and
	// jumps to what the host's buckets allow once its rate-limit headers
	// show room.
	StartConcurrency int
	// Probe, when positive, caps the requests in flight until the host has
	// answered once: a wrong key, model or URL then costs a few requests,
	// not a burst of StartConcurrency.
	Probe int
	// ProbeSpill lets requests past the Probe cap while the host's
	// buckets are full: a full bucket loses its refill for as long as the
	// probe is out, so a request sent then uses only capacity that
	// waiting would waste, and a rate-bound job does not pay the probe's
	// round trip. Only for hosts where what the probe prepares (a cached
	// prompt prefix) does not change what a request counts against the
	// limits; without a known bucket it does nothing.
	ProbeSpill bool
	// ProbeHedge, when positive, keeps a probe that hangs from holding the
	// host for a whole attempt timeout (before any answer, the ceiling):
	// once the probe has been out that long without a word from the host,
	// one more request goes beside it, and another each time that wait
	// doubles. They are real work, and a wrong key or URL answers at once,
	// so they cost nothing a probe is there to save.
	ProbeHedge time.Duration
	// RequestsSpent and TokensSpent are how far below full the buckets
	// start: what the account used in the last Window, as an earlier run
	// left it (see Reported). 0 starts them full, as a fresh account's are.
	RequestsSpent, TokensSpent int
}

// Clock is the engine's source of time, replaceable in tests.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a Run. The zero value runs on one host without rate
// limits, starting at concurrency 4 and adapting up to 64.
type Options[Req, Resp any] struct {
	// Hosts lists the hosts the Call can reach, by index; empty means one
	// host without limits.
	Hosts []HostLimits
	// MaxInFlight caps the requests in flight over all hosts together
	// (--max-parallel); 0 means no cap beyond each host's own.
	MaxInFlight int
	// Sequential sends one request at a time, through the same code.
	Sequential bool
	// EstimateTokens guesses a request's tokens (input plus expected
	// output) for the token bucket; nil counts 0.
	EstimateTokens func(Req) int
	// Timeout bounds each attempt; 0 means none. With TimeoutFactor it is
	// the ceiling of the adaptive timeout.
	Timeout time.Duration
	// TimeoutFactor, when positive, makes the per-attempt timeout follow
	// observed latency: the 99th percentile of recent successful attempts
	// times this factor, at least TimeoutFloor and at most Timeout, so a
	// hung request costs seconds instead of the whole ceiling. Until
	// enough answers were seen, Timeout applies. A request whose attempt
	// timed out gets twice the time on its next attempt (up to Timeout),
	// so a slow but healthy request still gets through.
	TimeoutFactor float64
	TimeoutFloor  time.Duration
	// DownAfter, when positive, marks a host down once it has answered
	// nothing successfully for that long (and for at least three attempt
	// timeouts) while failing repeatedly
	// (timeouts, refused or dropped connections, 5xx); its work goes to the
	// other hosts, and when every host is down the run stops with a
	// *HostsDownError instead of retrying for ever.
	DownAfter time.Duration
	// MaxAttempts bounds attempts per request (default 5).
	MaxAttempts int
	// BackoffBase and BackoffMax shape the full-jitter exponential backoff
	// between attempts: a random wait in [0, min(BackoffMax,
	// BackoffBase·2^(attempt-1))]. Defaults 500ms and 30s.
	BackoffBase, BackoffMax time.Duration
	// FailuresToCooldown is how many failures in a row (connection errors,
	// 5xx, timeouts) cool a host down (default 5); CooldownBase and
	// CooldownMax bound its exponential cooldown (defaults 1s and 1m).
	FailuresToCooldown        int
	CooldownBase, CooldownMax time.Duration
	// Priority orders requests: higher first (the longest prompts, say).
	// Without Group it orders the whole run.
	Priority func(Req) int
	// Group names the unit a request belongs to (its file). Groups are
	// worked through one after another in order of first appearance, so
	// whole groups finish early and steadily; Priority orders requests
	// within a group.
	Group func(Req) string
	// OnResult is called once per request as it finishes, in completion
	// order, from one goroutine at a time; it does not hold up dispatch.
	OnResult func(index int, r Result[Resp])
	// OnProgress is called after each finished request, like OnResult.
	OnProgress func(Progress)
	// Clock replaces the real clock (tests).
	Clock Clock
	// Rand returns uniform numbers in [0, 1) for backoff jitter; nil uses
	// math/rand/v2.
	Rand func() float64
}

// Progress is a snapshot of a run, for progress bars.
type Progress struct {
	// Done and Total count finished and all requests.
	Done, Total int
	// Failed counts finished requests with an error.
	Failed int
	// InFlight is how many attempts are running now.
	InFlight int
	// Limit is the sum of the hosts' current concurrency limits.
	Limit int
	// Retries counts attempts beyond each request's first.
	Retries int
	// Bottleneck names what holds dispatch back now (see Bottleneck).
	Bottleneck Bottleneck
}

func (o *Options[Req, Resp]) withDefaults() {
	if len(o.Hosts) == 0 {
		o.Hosts = []HostLimits{{Name: "default"}}
	}
	hosts := make([]HostLimits, len(o.Hosts))
	copy(hosts, o.Hosts)
	for i := range hosts {
		h := &hosts[i]
		if h.Window <= 0 {
			h.Window = time.Minute
		}
		if h.MaxConcurrency <= 0 {
			h.MaxConcurrency = 64
		}
		if h.StartConcurrency <= 0 {
			h.StartConcurrency = 4
		}
		if h.StartConcurrency > h.MaxConcurrency {
			h.StartConcurrency = h.MaxConcurrency
		}
		if o.Sequential {
			h.MaxConcurrency, h.StartConcurrency = 1, 1
		}
	}
	o.Hosts = hosts
	if o.Sequential {
		o.MaxInFlight = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = 500 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Second
	}
	if o.FailuresToCooldown <= 0 {
		o.FailuresToCooldown = 5
	}
	if o.CooldownBase <= 0 {
		o.CooldownBase = time.Second
	}
	if o.CooldownMax <= 0 {
		o.CooldownMax = time.Minute
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
}

// backoff is the full-jitter wait before the given attempt (2 or more).
func backoff(attempt int, base, maxWait time.Duration, rnd func() float64) time.Duration {
	ceil := base
	for i := 2; i < attempt && ceil < maxWait; i++ {
		ceil *= 2
	}
	if ceil > maxWait {
		ceil = maxWait
	}
	return time.Duration(rnd() * float64(ceil))
}

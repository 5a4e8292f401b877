package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// The shipped engine settings. The bench drives the engine through these
// same functions, so what it measures is what users run.
const (
	// adaptiveCeiling bounds how far the engine grows a host past the
	// detected start when no --max-parallel is given: far above any
	// account's useful concurrency, low enough not to exhaust sockets.
	adaptiveCeiling = 1024
	// timeoutFactor and timeoutFloor shape the adaptive per-attempt
	// timeout (p99 latency × factor, at least the floor); the provider's
	// timeout or --timeout is the ceiling.
	timeoutFactor = 4
	timeoutFloor  = 5 * time.Second
	// downAfter is the least time without an answer, while failing,
	// before a host counts as down; the engine waits at least three
	// attempt timeouts too.
	downAfter = 10 * time.Second
)

// probe is how many requests go out before a host's first answer, unless
// the account's limits are known.
const probe = 4

// probeHedge is how long a probe may go without a word from its host
// before another request goes beside it (then after 10 s, 20 s...): a
// hosted model's first token comes within a second or two, and a probe
// that hangs would otherwise hold the run for the whole request timeout,
// two minutes by default, since no latency is known yet to shorten it.
const probeHedge = 5 * time.Second

// hostLimits is one host's starting point: detection's concurrency as the
// start for hosted APIs (their buckets and headers protect them), at most
// 4 for local servers (whose queueing shows only in latency, measured from
// a start below their slots), growing up to --max-parallel or
// adaptiveCeiling. Limits the user gave (--rpm, --tpm) are trusted from
// the first request: the buckets alone pace it, as a processor told the
// limits would. Otherwise a probe of 4 requests goes first, and the first
// answer's headers say how much room there is.
func hostLimits(provider, name string, detected, rpm, tpm, maxParallel int, userLimits bool) engine.HostLimits {
	ceiling := adaptiveCeiling
	if maxParallel > 0 {
		ceiling = maxParallel
	}
	start, first := detected, probe
	switch {
	case provider == llm.Ollama || provider == llm.OpenAICompatible:
		start = min(detected, 4)
	case userLimits:
		start, first = ceiling, 0
	}
	return engine.HostLimits{Name: name, RPM: rpm, TPM: tpm, MaxConcurrency: ceiling, StartConcurrency: max(1, min(start, ceiling)),
		Probe: first, ProbeHedge: probeHedge}
}

// engineOptions are the shipped engine settings for a provider whose
// configured timeout (cfg.RequestTimeout) is the ceiling.
func engineOptions(cfg *llm.Config, maxParallel int, sequential bool) engine.Options[*dispatch.Request, llm.Answer] {
	ceiling := cfg.RequestTimeout()
	return engine.Options[*dispatch.Request, llm.Answer]{
		MaxInFlight: maxParallel, Sequential: sequential,
		Timeout: ceiling, TimeoutFactor: timeoutFactor, TimeoutFloor: min(timeoutFloor, ceiling),
		DownAfter: downAfter,
	}
}

// verboseBottleneck prints, with -v, what limits the run when that
// changes, once it has held for a second since the last line, so a run
// that switches back and forth does not flood the terminal.
func verboseBottleneck(w io.Writer) func(engine.Bottleneck, engine.Progress) {
	var last time.Time
	printed := engine.BottleneckNone
	return func(b engine.Bottleneck, p engine.Progress) {
		if b == engine.BottleneckNone || b == printed || p.Done == p.Total || time.Since(last) < time.Second {
			return
		}
		last, printed = time.Now(), b
		fmt.Fprintf(w, "limited by %s: %d/%d done, %d in flight, concurrency limit %d\n", b, p.Done, p.Total, p.InFlight, p.Limit)
	}
}

package dispatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// Stats are a run's request totals, for the summary and --json.
type Stats struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// Parallel and Reason are what capability detection chose, and why.
	Parallel int    `json:"parallel"`
	Reason   string `json:"reason,omitempty"`

	Requests    int `json:"requests"`
	Retries     int `json:"retries"`
	RateLimited int `json:"rate_limited"`
	Overloaded  int `json:"overloaded"`
	Failed      int `json:"failed"`
	// InputTokens is every prompt token sent; it splits into
	// FreshInputTokens (plain input price), CacheReadTokens (read from the
	// provider's prompt cache, at the cached price) and CacheWriteTokens
	// (written to it, at the cache-write price).
	InputTokens      int     `json:"input_tokens"`
	FreshInputTokens int     `json:"fresh_input_tokens"`
	CacheReadTokens  int     `json:"cache_read_tokens"`
	CacheWriteTokens int     `json:"cache_write_tokens"`
	OutputTokens     int     `json:"output_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	// SavedUSD is what the cache (answers not bought again) and batch
	// pricing saved against paying the list price for every request.
	SavedUSD float64 `json:"saved_usd"`
	// CacheSavedUSD is what the provider's prompt cache saved (net of
	// cache-write surcharges) against billing every prompt token at the
	// input price; negative when writes cost more than reads saved.
	CacheSavedUSD float64 `json:"prompt_cache_saved_usd"`
	CacheHits     int     `json:"cache_hits"`
	CacheMisses   int     `json:"cache_misses"`
	Fallbacks     int     `json:"fallbacks"`
	OverBudget    int     `json:"over_budget"`
	PeakInFlight  int     `json:"peak_in_flight"`
	LatencyP50    float64 `json:"latency_p50_seconds"`
	LatencyP95    float64 `json:"latency_p95_seconds"`
	// Reasked counts invalid or malformed answers asked again once;
	// Timeouts counts attempts given up at the adaptive timeout.
	Reasked  int `json:"reasked"`
	Timeouts int `json:"timeouts"`
	// Bottleneck names what held the run back longest.
	Bottleneck string `json:"bottleneck,omitempty"`
	// Grouping says how the constructs were sent (grouped or one by one,
	// at once or paced by the limits) and why.
	Grouping string `json:"grouping,omitempty"`
	// RPM is the requests per minute achieved (attempts over the engine's
	// wall time); RPMLimit the request limit (summed over hosts) it ran
	// against at the end, 0 when none was known.
	RPM float64 `json:"requests_per_minute"`
	// EngineSeconds is how long the request engine ran (the rest of a
	// run's time is finding, parsing, rendering and writing).
	EngineSeconds float64       `json:"engine_seconds"`
	RPMLimit      int           `json:"rpm_limit,omitempty"`
	Hosts         []Host        `json:"hosts,omitempty"`
	Duration      time.Duration `json:"-"`
}

// Host is one base URL's share of the work.
type Host struct {
	URL      string `json:"url"`
	Requests int    `json:"requests"`
	Failures int    `json:"failures"`
}

// addUsage adds one answer's tokens to the totals.
func (s *Stats) addUsage(u llm.Usage) {
	s.InputTokens += u.InputTokens
	s.FreshInputTokens += u.FreshInputTokens()
	s.CacheReadTokens += u.CacheReadTokens
	s.CacheWriteTokens += u.CacheWriteTokens
	s.OutputTokens += u.OutputTokens
}

// uncached is u as if the provider had no prompt cache: every input token
// at the plain input price.
func uncached(u llm.Usage) llm.Usage {
	u.CacheReadTokens, u.CacheWriteTokens = 0, 0
	return u
}

// recordRate fills RPM and RPMLimit from an engine run.
func (s *Stats) recordRate(st engine.Stats, hosts []engine.HostLimits) {
	if st.Wall > 0 && st.Attempts > 0 {
		s.RPM = float64(st.Attempts) / st.Wall.Minutes()
	}
	s.RPMLimit = 0
	for i, h := range st.Hosts {
		if h.RequestLimit > 0 && i < len(hosts) && hosts[i].Window > 0 {
			s.RPMLimit += int(float64(h.RequestLimit) * float64(time.Minute) / float64(hosts[i].Window))
		} else if h.RequestLimit > 0 {
			s.RPMLimit += h.RequestLimit
		}
	}
}

// Line renders the totals on one line for the human summary.
func (s *Stats) Line() string {
	parts := []string{fmt.Sprintf("%d sent to %s", s.Requests, s.Model)}
	if s.Retries > 0 {
		parts = append(parts, fmt.Sprintf("%d retries", s.Retries))
	}
	if s.RateLimited > 0 {
		parts = append(parts, fmt.Sprintf("%d rate-limited (429)", s.RateLimited))
	}
	if s.Overloaded > 0 {
		parts = append(parts, fmt.Sprintf("%d overloaded (503/529)", s.Overloaded))
	}
	if s.CacheHits > 0 {
		parts = append(parts, fmt.Sprintf("%d from cache", s.CacheHits))
	}
	if s.Fallbacks > 0 {
		parts = append(parts, fmt.Sprintf("%d fell back to the built-in planner", s.Fallbacks))
	}
	if s.OverBudget > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent (budget)", s.OverBudget))
	}
	tokens := fmt.Sprintf("%d+%d tokens", s.InputTokens, s.OutputTokens)
	if s.CacheReadTokens > 0 || s.CacheWriteTokens > 0 {
		tokens += fmt.Sprintf(" (input %d fresh, %d cache read, %d cache write)", s.FreshInputTokens, s.CacheReadTokens, s.CacheWriteTokens)
	}
	parts = append(parts, tokens)
	parts = append(parts, fmt.Sprintf("$%.4f", s.CostUSD))
	if s.SavedUSD > 0 {
		parts = append(parts, fmt.Sprintf("$%.4f saved", s.SavedUSD))
	}
	if s.CacheSavedUSD != 0 {
		parts = append(parts, fmt.Sprintf("$%.4f saved by prompt caching", s.CacheSavedUSD))
	}
	if s.Reasked > 0 {
		parts = append(parts, fmt.Sprintf("%d invalid answers asked again", s.Reasked))
	}
	if s.Timeouts > 0 {
		parts = append(parts, fmt.Sprintf("%d timeouts", s.Timeouts))
	}
	if s.RPM > 0 {
		rate := fmt.Sprintf("%.0f requests/min", s.RPM)
		if s.RPMLimit > 0 {
			rate += fmt.Sprintf(" of %d allowed", s.RPMLimit)
		}
		if s.Bottleneck != "" && s.Bottleneck != "nothing" {
			rate += ", limited by " + s.Bottleneck
		}
		parts = append(parts, rate)
	}
	if s.LatencyP50 > 0 {
		parts = append(parts, fmt.Sprintf("latency p50 %.2fs p95 %.2fs", s.LatencyP50, s.LatencyP95))
	}
	line := strings.Join(parts, ", ")
	for _, h := range s.Hosts {
		if len(s.Hosts) > 1 {
			line += fmt.Sprintf("\n             %s: %d requests, %d failures", h.URL, h.Requests, h.Failures)
		}
	}
	return line
}

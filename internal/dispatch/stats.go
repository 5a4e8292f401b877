package dispatch

import (
	"fmt"
	"strings"
	"time"
)

// Stats are a run's request totals, for the summary and --json.
type Stats struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// Parallel and Reason are what capability detection chose, and why.
	Parallel int    `json:"parallel"`
	Reason   string `json:"reason,omitempty"`

	Requests     int     `json:"requests"`
	Retries      int     `json:"retries"`
	RateLimited  int     `json:"rate_limited"`
	Overloaded   int     `json:"overloaded"`
	Failed       int     `json:"failed"`
	InputTokens  int     `json:"input_tokens"`
	OutputTokens int     `json:"output_tokens"`
	CostUSD      float64 `json:"cost_usd"`
	// SavedUSD is what the cache (answers not bought again) and batch
	// pricing saved against paying the list price for every request.
	SavedUSD     float64       `json:"saved_usd"`
	CacheHits    int           `json:"cache_hits"`
	CacheMisses  int           `json:"cache_misses"`
	Fallbacks    int           `json:"fallbacks"`
	OverBudget   int           `json:"over_budget"`
	PeakInFlight int           `json:"peak_in_flight"`
	LatencyP50   float64       `json:"latency_p50_seconds"`
	LatencyP95   float64       `json:"latency_p95_seconds"`
	Hosts        []Host        `json:"hosts,omitempty"`
	Duration     time.Duration `json:"-"`
}

// Host is one base URL's share of the work.
type Host struct {
	URL      string `json:"url"`
	Requests int    `json:"requests"`
	Failures int    `json:"failures"`
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
	parts = append(parts, fmt.Sprintf("%d+%d tokens", s.InputTokens, s.OutputTokens))
	parts = append(parts, fmt.Sprintf("$%.4f", s.CostUSD))
	if s.SavedUSD > 0 {
		parts = append(parts, fmt.Sprintf("$%.4f saved", s.SavedUSD))
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

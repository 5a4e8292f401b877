package llm

import (
	"testing"
	"time"
)

func TestParseResetDuration(t *testing.T) {
	now := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"6m0s", 6 * time.Minute, true},
		{"1s", time.Second, true},
		{"12ms", 12 * time.Millisecond, true},
		{"1h2m3.5s", time.Hour + 2*time.Minute + 3500*time.Millisecond, true},
		{"0s", 0, true},
		{" 20 ", 20 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{"2026-11-29T04:00:30Z", 30 * time.Second, true},
		{"2026-11-29T05:00:01.5+01:00", 1500 * time.Millisecond, true},
		{"2026-11-29T03:59:00Z", 0, true}, // already past: no wait
		{"Sun, 29 Nov 2026 04:00:10 GMT", 10 * time.Second, true},
		{"", 0, false},
		{"-1s", 0, false},
		{"-3", 0, false},
		{"soon", 0, false},
		{"1e300", 0, false},
		{"NaN", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseResetDuration(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseResetDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		ra, ms string
		want   time.Duration
		ok     bool
	}{
		{"2", "", 2 * time.Second, true},
		{"2", "1500", 1500 * time.Millisecond, true}, // retry-after-ms is more precise
		{"", "20.5", 20500 * time.Microsecond, true},
		{"3", "junk", 3 * time.Second, true},
		{"Sun, 29 Nov 2026 04:01:00 GMT", "", time.Minute, true},
		{"Sunday, 29-Nov-26 04:00:05 GMT", "", 5 * time.Second, true},
		{"Sun, 29 Nov 2026 03:00:00 GMT", "", 0, true},
		{"", "", 0, false},
		{"-5", "", 0, false},
		{"later", "-1", 0, false},
		{"1m", "", 0, false}, // not a form retry-after allows
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.ra, tt.ms, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q, %q) = %v, %v; want %v, %v", tt.ra, tt.ms, got, ok, tt.want, tt.ok)
		}
	}
}

// Package view keeps the spans an instrumented program sends (over
// OTLP/HTTP or through a JSON-lines file) in a bounded store and serves a
// local web page that shows them: recent traces as waterfalls, and per
// function call counts, latency percentiles, errors and loop iterations.
// Nothing leaves the machine: both servers listen on 127.0.0.1 only.
package view

import (
	"math"
	"sort"
	"strings"
	"sync"
)

// Span is one span as the page shows it. Identifiers are lowercase hex.
type Span struct {
	TraceID  string  `json:"traceId"`
	SpanID   string  `json:"spanId"`
	ParentID string  `json:"parentId,omitempty"`
	Service  string  `json:"service"`
	Name     string  `json:"name"`
	Start    int64   `json:"start"` // Unix nanoseconds
	End      int64   `json:"end"`
	Error    bool    `json:"error,omitempty"`
	Message  string  `json:"message,omitempty"`
	Attrs    []KV    `json:"attrs,omitempty"`
	Events   []Event `json:"events,omitempty"`
}

// KV is one attribute, its value rendered as text.
type KV struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// Event is one span event.
type Event struct {
	Name  string `json:"name"`
	Time  int64  `json:"time"`
	Attrs []KV   `json:"attrs,omitempty"`
}

// Duration is the span's length in nanoseconds (0 for a malformed span
// whose end is before its start).
func (s *Span) Duration() int64 { return max(0, s.End-s.Start) }

// Limits bound the store's memory whatever the program sends.
type Limits struct {
	// Spans is how many recent spans are kept; older ones are overwritten.
	Spans int
	// Names is how many distinct (service, span name) pairs get their own
	// statistics; the rest are counted together under "(other names)".
	Names int
	// Attrs and Events bound what is kept of each span, and Value the
	// length of each attribute value.
	Attrs, Events, Value int
}

// DefaultLimits suit a developer's machine: about 100 MB at most.
func DefaultLimits() Limits {
	return Limits{Spans: 100_000, Names: 10_000, Attrs: 32, Events: 16, Value: 256}
}

// Store holds the spans received and the statistics over every span ever
// received (statistics are not lost when the ring overwrites spans).
type Store struct {
	limits Limits

	mu       sync.RWMutex
	ring     []Span
	next     int   // where the next span goes
	received int64 // spans ever received
	version  int64 // changes with every addition, for live updates
	stats    map[string]*stat
	changed  chan struct{} // closed and replaced at every addition
}

// NewStore returns an empty store with the given limits.
func NewStore(l Limits) *Store {
	d := DefaultLimits()
	if l.Spans <= 0 {
		l.Spans = d.Spans
	}
	if l.Names <= 0 {
		l.Names = d.Names
	}
	if l.Attrs <= 0 {
		l.Attrs = d.Attrs
	}
	if l.Events <= 0 {
		l.Events = d.Events
	}
	if l.Value <= 0 {
		l.Value = d.Value
	}
	return &Store{limits: l, ring: make([]Span, 0, min(l.Spans, 4096)), stats: map[string]*stat{}, changed: make(chan struct{})}
}

// otherNames is the statistics bucket for names beyond Limits.Names.
const otherNames = "(other names)"

// Add stores spans and updates the statistics.
func (s *Store) Add(spans []Span) {
	if len(spans) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range spans {
		sp := s.trim(spans[i])
		s.stat(sp.Service, sp.Name).add(&sp)
		if len(s.ring) < s.limits.Spans {
			s.ring = append(s.ring, sp)
		} else {
			s.ring[s.next] = sp
		}
		s.next = (s.next + 1) % s.limits.Spans
	}
	s.received += int64(len(spans))
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
}

// trim applies the per-span limits, copying what it keeps so the store
// holds no reference into a decoder's buffers.
func (s *Store) trim(sp Span) Span {
	cut := func(v string) string {
		if len(v) > s.limits.Value {
			return strings.ToValidUTF8(v[:s.limits.Value], "") + "…"
		}
		return strings.Clone(v)
	}
	kvs := func(in []KV) []KV {
		if len(in) == 0 {
			return nil
		}
		out := make([]KV, 0, min(len(in), s.limits.Attrs))
		for _, kv := range in[:min(len(in), s.limits.Attrs)] {
			out = append(out, KV{cut(kv.Key), cut(kv.Value)})
		}
		return out
	}
	sp.Name, sp.Service, sp.Message = cut(sp.Name), cut(sp.Service), cut(sp.Message)
	sp.TraceID, sp.SpanID, sp.ParentID = strings.Clone(sp.TraceID), strings.Clone(sp.SpanID), strings.Clone(sp.ParentID)
	sp.Attrs = kvs(sp.Attrs)
	if len(sp.Events) > 0 {
		ev := make([]Event, 0, min(len(sp.Events), s.limits.Events))
		for _, e := range sp.Events[:min(len(sp.Events), s.limits.Events)] {
			ev = append(ev, Event{Name: cut(e.Name), Time: e.Time, Attrs: kvs(e.Attrs)})
		}
		sp.Events = ev
	}
	return sp
}

// stat returns the statistics of a name, creating them while there is room.
func (s *Store) stat(service, name string) *stat {
	key := service + "\x00" + name
	if st, ok := s.stats[key]; ok {
		return st
	}
	if len(s.stats) >= s.limits.Names {
		key = service + "\x00" + otherNames
		if st, ok := s.stats[key]; ok {
			return st
		}
		name = otherNames
	}
	st := &stat{service: service, name: name, loops: map[string]int64{}}
	s.stats[key] = st
	return st
}

// Changed returns a channel closed at the next addition, and the version
// the caller has seen.
func (s *Store) Changed() (<-chan struct{}, int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.changed, s.version
}

// Filter selects spans and statistics; empty fields match everything.
type Filter struct {
	Service string
	Name    string // a substring of the span name, case-insensitive
	Status  string // "error" or "ok"
}

func (f Filter) matchName(service, name string) bool {
	if f.Service != "" && service != f.Service {
		return false
	}
	return f.Name == "" || strings.Contains(strings.ToLower(name), strings.ToLower(f.Name))
}

// Hotspot is the statistics of one span name.
type Hotspot struct {
	Service string  `json:"service"`
	Name    string  `json:"name"`
	Count   int64   `json:"count"`
	Errors  int64   `json:"errors"`
	P50     float64 `json:"p50Ms"`
	P95     float64 `json:"p95Ms"`
	P99     float64 `json:"p99Ms"`
	TotalMs float64 `json:"totalMs"`
}

// Loop is the iterations counted for one loop, summed over its spans.
type Loop struct {
	Service    string `json:"service"`
	Span       string `json:"span"`
	Loop       string `json:"loop"`
	Iterations int64  `json:"iterations"`
}

// TraceSummary is one row of the trace list.
type TraceSummary struct {
	TraceID  string `json:"traceId"`
	Service  string `json:"service"`
	Root     string `json:"root"`
	Start    int64  `json:"start"`
	Duration int64  `json:"duration"`
	Spans    int    `json:"spans"`
	Errors   int    `json:"errors"`
}

// Summary is what the page's overview shows.
type Summary struct {
	Version  int64          `json:"version"`
	Received int64          `json:"received"`
	Stored   int            `json:"stored"`
	Capacity int            `json:"capacity"`
	Services []string       `json:"services"`
	Hotspots []Hotspot      `json:"hotspots"`
	Loops    []Loop         `json:"loops"`
	Traces   []TraceSummary `json:"traces"`
}

// Summarize returns the statistics and the most recent traces that match
// f, at most limit of each list, hot spots by total time.
func (s *Store) Summarize(f Filter, limit int) Summary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sum := Summary{Version: s.version, Received: s.received, Stored: len(s.ring), Capacity: s.limits.Spans,
		Services: []string{}, Hotspots: []Hotspot{}, Loops: []Loop{}, Traces: []TraceSummary{}}
	services := map[string]bool{}
	for _, st := range s.stats {
		services[st.service] = true
		if !f.matchName(st.service, st.name) || (f.Status == "error" && st.errors == 0) || (f.Status == "ok" && st.errors == st.count) {
			continue
		}
		sum.Hotspots = append(sum.Hotspots, st.hotspot())
		for loop, n := range st.loops {
			sum.Loops = append(sum.Loops, Loop{Service: st.service, Span: st.name, Loop: loop, Iterations: n})
		}
	}
	for svc := range services {
		sum.Services = append(sum.Services, svc)
	}
	sort.Strings(sum.Services)
	sort.Slice(sum.Hotspots, func(i, j int) bool {
		a, b := sum.Hotspots[i], sum.Hotspots[j]
		if a.TotalMs != b.TotalMs {
			return a.TotalMs > b.TotalMs
		}
		return a.Name < b.Name
	})
	sort.Slice(sum.Loops, func(i, j int) bool { return sum.Loops[i].Iterations > sum.Loops[j].Iterations })
	sum.Hotspots = sum.Hotspots[:min(len(sum.Hotspots), limit)]
	sum.Loops = sum.Loops[:min(len(sum.Loops), limit)]
	sum.Traces = s.recentTraces(f, limit)
	return sum
}

// recentTraces walks the ring from the newest span back and groups spans
// by trace, keeping the newest limit traces with a matching span.
func (s *Store) recentTraces(f Filter, limit int) []TraceSummary {
	type acc struct {
		TraceSummary
		match    bool
		rootSeen bool
		end      int64
	}
	byID := map[string]*acc{}
	var order []string
	n := len(s.ring)
	for i := 0; i < n; i++ {
		sp := &s.ring[(s.next-1-i+2*n)%n]
		a, ok := byID[sp.TraceID]
		if !ok {
			if len(order) >= limit*4 {
				// Enough candidates; older traces are not shown.
				continue
			}
			a = &acc{TraceSummary: TraceSummary{TraceID: sp.TraceID, Start: math.MaxInt64}}
			byID[sp.TraceID] = a
			order = append(order, sp.TraceID)
		}
		a.Spans++
		if sp.Error {
			a.Errors++
		}
		a.Start, a.end = min(a.Start, sp.Start), max(a.end, sp.End)
		if sp.ParentID == "" || !a.rootSeen && a.Root == "" {
			a.Root, a.Service = sp.Name, sp.Service
			a.rootSeen = a.rootSeen || sp.ParentID == ""
		}
		if f.matchName(sp.Service, sp.Name) && (f.Status == "" || (f.Status == "error") == sp.Error) {
			a.match = true
		}
	}
	out := []TraceSummary{}
	for _, id := range order {
		a := byID[id]
		if !a.match {
			continue
		}
		a.Duration = a.end - a.Start
		out = append(out, a.TraceSummary)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start > out[j].Start })
	return out[:min(len(out), limit)]
}

// Trace returns the stored spans of one trace in waterfall order: each
// parent before its children, siblings by start time, with their depth.
func (s *Store) Trace(id string) []TraceSpan {
	s.mu.RLock()
	var spans []Span
	for i := range s.ring {
		if s.ring[i].TraceID == id {
			spans = append(spans, s.ring[i])
		}
	}
	s.mu.RUnlock()
	return waterfall(spans)
}

// TraceSpan is a span with its depth in the waterfall.
type TraceSpan struct {
	Span
	Depth int `json:"depth"`
}

func waterfall(spans []Span) []TraceSpan {
	ids := map[string]bool{}
	for _, sp := range spans {
		ids[sp.SpanID] = true
	}
	children := map[string][]Span{}
	var roots []Span
	for _, sp := range spans {
		if sp.ParentID != "" && ids[sp.ParentID] && sp.ParentID != sp.SpanID {
			children[sp.ParentID] = append(children[sp.ParentID], sp)
		} else {
			// A span whose parent is not stored (overwritten, or in
			// another process) is shown at the top level.
			roots = append(roots, sp)
		}
	}
	byStart := func(l []Span) {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Start < l[j].Start })
	}
	out := make([]TraceSpan, 0, len(spans))
	seen := map[string]bool{}
	var walk func(l []Span, depth int)
	walk = func(l []Span, depth int) {
		byStart(l)
		for _, sp := range l {
			if seen[sp.SpanID] {
				continue // a cycle in malformed input
			}
			seen[sp.SpanID] = true
			out = append(out, TraceSpan{Span: sp, Depth: depth})
			walk(children[sp.SpanID], depth+1)
		}
	}
	walk(roots, 0)
	for _, sp := range spans {
		if !seen[sp.SpanID] { // parents that point at each other
			seen[sp.SpanID] = true
			out = append(out, TraceSpan{Span: sp})
		}
	}
	return out
}

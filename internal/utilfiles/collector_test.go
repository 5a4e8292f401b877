package utilfiles

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// collector is an OTLP/HTTP endpoint on loopback that keeps what it is sent.
type collector struct {
	URL    string
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	paths  []string
}

// newCollector starts a collector answering status after delay.
func newCollector(t testing.TB, status int, delay time.Duration) *collector {
	t.Helper()
	return newScriptedCollector(t, delay, status)
}

// newScriptedCollector starts a collector answering its nth request with
// statuses[n], and the last status after that.
func newScriptedCollector(t testing.TB, delay time.Duration, statuses ...int) *collector {
	t.Helper()
	c := &collector{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.bodies = append(c.bodies, body)
		c.heads = append(c.heads, r.Header.Clone())
		c.paths = append(c.paths, r.Method+" "+r.URL.Path)
		status := statuses[min(len(c.paths), len(statuses))-1]
		c.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

// deadEndpoint returns a loopback URL nothing listens on.
func deadEndpoint(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// received returns the request bodies so far.
func (c *collector) received() ([][]byte, []http.Header, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.bodies...), append([]http.Header(nil), c.heads...), append([]string(nil), c.paths...)
}

// span is one decoded span with what the tests look at.
type span struct {
	Name, TraceID, SpanID, ParentID string
	Start, End                      uint64
	Attrs                           map[string]any
	Events                          []string
	EventAttrs                      []map[string]any
	Status                          ptrace.StatusCode
	Resource                        map[string]any
	Scope, ScopeVersion             string
	Kind                            ptrace.SpanKind
	DroppedEvents, DroppedAttrs     uint32
}

var lowerCamel = regexp.MustCompile(`^[a-z][a-zA-Z]*$`)

// checkWire checks what the pdata unmarshaler forgives: keys are
// lowerCamelCase, 64-bit integers are strings, enums are integers.
func checkWire(t testing.TB, v any, key string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !lowerCamel.MatchString(k) {
				t.Errorf("OTLP key %q is not lowerCamelCase", k)
			}
			checkWire(t, e, k)
		}
	case []any:
		for _, e := range x {
			checkWire(t, e, key)
		}
	case string:
		if key == "kind" || key == "code" {
			t.Errorf("OTLP %s is a string (%q), want an integer", key, x)
		}
	case float64:
		switch key {
		case "startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue":
			t.Errorf("OTLP %s is a number, want a decimal string", key)
		}
	}
}

// decode unmarshals OTLP JSON bodies with the collector's own decoder.
func decode(t testing.TB, bodies [][]byte) []span {
	t.Helper()
	var out []span
	for _, body := range bodies {
		var raw any
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		checkWire(t, raw, "")
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		if err != nil {
			t.Fatalf("body is not OTLP JSON: %v\n%s", err, body)
		}
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			res := rs.Resource().Attributes().AsRaw()
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j)
				for k := 0; k < ss.Spans().Len(); k++ {
					sp := toSpan(ss.Spans().At(k), res, ss.Scope().Name())
					sp.ScopeVersion = ss.Scope().Version()
					out = append(out, sp)
				}
			}
		}
	}
	return out
}

func toSpan(s ptrace.Span, res map[string]any, scope string) span {
	r := span{
		Name: s.Name(), TraceID: s.TraceID().String(), SpanID: s.SpanID().String(),
		Start: uint64(s.StartTimestamp()), End: uint64(s.EndTimestamp()),
		Attrs: s.Attributes().AsRaw(), Status: s.Status().Code(), Resource: res, Scope: scope,
	}
	if !s.ParentSpanID().IsEmpty() {
		r.ParentID = s.ParentSpanID().String()
	}
	for i := 0; i < s.Events().Len(); i++ {
		e := s.Events().At(i)
		r.Events = append(r.Events, e.Name())
		r.EventAttrs = append(r.EventAttrs, e.Attributes().AsRaw())
	}
	r.Kind = s.Kind()
	r.DroppedEvents, r.DroppedAttrs = s.DroppedEventsCount(), s.DroppedAttributesCount()
	return r
}

// checkTree checks that every span's parent has an allowed name (""
// for a root), that all spans are well formed, and returns the spans by
// name.
func checkTree(t testing.TB, spans []span, parents map[string][]string) map[string][]span {
	t.Helper()
	byID := map[string]span{}
	byName := map[string][]span{}
	for _, s := range spans {
		if _, dup := byID[s.SpanID]; dup {
			t.Errorf("span id %s used twice", s.SpanID)
		}
		byID[s.SpanID] = s
		byName[s.Name] = append(byName[s.Name], s)
		if s.End <= s.Start || s.Start == 0 {
			t.Errorf("span %s: start %d, end %d: want 0 < start < end", s.Name, s.Start, s.End)
		}
		if s.Kind != ptrace.SpanKindInternal {
			t.Errorf("span %s: kind %v, want internal", s.Name, s.Kind)
		}
		if s.Scope != "telemetry-inject" {
			t.Errorf("span %s: scope %q", s.Name, s.Scope)
		}
		for _, k := range []string{"code.function.name", "code.file.path", "code.line.number"} {
			if _, ok := s.Attrs[k]; !ok {
				t.Errorf("span %s lacks attribute %s", s.Name, k)
			}
		}
	}
	for name := range parents {
		if len(byName[name]) == 0 {
			t.Errorf("no span named %s", name)
		}
	}
	for _, s := range spans {
		allowed, ok := parents[s.Name]
		if !ok {
			t.Errorf("unexpected span %s", s.Name)
			continue
		}
		pname := ""
		if s.ParentID != "" {
			p, ok := byID[s.ParentID]
			if !ok {
				t.Errorf("span %s: parent %s was not exported", s.Name, s.ParentID)
				continue
			}
			pname = p.Name
			if p.TraceID != s.TraceID {
				t.Errorf("span %s: trace %s, its parent's %s", s.Name, s.TraceID, p.TraceID)
			}
			if s.Start < p.Start || s.End > p.End {
				t.Errorf("span %s [%d,%d] is not inside its parent %s [%d,%d]", s.Name, s.Start, s.End, p.Name, p.Start, p.End)
			}
		}
		if !contains(allowed, pname) {
			t.Errorf("span %s: parent %q, want one of %q", s.Name, pname, allowed)
		}
	}
	return byName
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// childrenOf counts the spans named child whose parent is named parent.
func childrenOf(spans []span, child, parent string) int {
	names := map[string]string{}
	for _, s := range spans {
		names[s.SpanID] = s.Name
	}
	n := 0
	for _, s := range spans {
		if s.Name == child && names[s.ParentID] == parent {
			n++
		}
	}
	return n
}

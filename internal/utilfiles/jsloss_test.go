package utilfiles

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// burstTree is the span tree testdata/js/burst.js makes.
var burstTree = map[string][]string{"root": {""}, "branch": {"root"}, "leaf": {"branch"}}

var debugCount = regexp.MustCompile(`([a-z_]+)=([0-9]+)`)

// debugCounts reads the line TELEMETRY_INJECT_DEBUG=1 prints at exit.
func debugCounts(t testing.TB, out string) map[string]int {
	t.Helper()
	line := regexp.MustCompile(`telemetry-inject: exported=.*`).FindString(out)
	if line == "" {
		t.Fatalf("no debug line in the output:\n%s", out)
	}
	c := map[string]int{}
	for _, m := range debugCount.FindAllStringSubmatch(line, -1) {
		c[m[1]], _ = strconv.Atoi(m[2])
	}
	return c
}

// burst runs testdata/js/burst.js with env and returns its result.
func burst(t *testing.T, env []string, args ...string) (project, result) {
	t.Helper()
	node := tool(t, "node")
	p := jsProject(t, "burst.js", source.ModuleCommonJS)
	// The bursts are of one span name: the per-name rate limit is off
	// unless env sets it, so the queue is what is tested.
	env = append([]string{"TELEMETRY_INJECT_SPAN_RATE_LIMIT=0"}, env...)
	got := run(t, p.dir, append(env, "TELEMETRY_INJECT_DEBUG=1"), node, append([]string{p.prog}, args...)...)
	if got.code != 0 {
		t.Fatalf("burst.js %v: exit %d\n%s", args, got.code, got.out)
	}
	return p, got
}

func TestJSSynchronousBurstToAFileLosesNothing(t *testing.T) {
	for _, how := range []string{"return", "exit"} {
		t.Run(how, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "spans.jsonl")
			_, got := burst(t, cleanEnv("TELEMETRY_INJECT_FILE="+out), "1", "10", "450", how)
			spans := decode(t, [][]byte{fileSpans(t, out)})
			if len(spans) != 4511 {
				t.Errorf("%d spans in the file, want 4511", len(spans))
			}
			checkTree(t, spans, burstTree)
			if c := debugCounts(t, got.out); c["exported"] != 4511 || c["dropped"] != 0 {
				t.Errorf("counts %v, want 4511 exported, none dropped", c)
			}
		})
	}
}

// TestJSFullQueueDropsLeavesNotParents fills a small OTLP queue
// synchronously: what is exported is whole (no span without its parent),
// the queue stays within its size (a parent whose children were all
// dropped goes too), and every span not exported is counted.
func TestJSFullQueueDropsLeavesNotParents(t *testing.T) {
	for _, shape := range [][2]string{{"10", "450"}, {"5000", "1"}} {
		t.Run(shape[0]+"x"+shape[1], func(t *testing.T) {
			total := 1 + mustAtoi(t, shape[0])*(1+mustAtoi(t, shape[1]))
			c := newCollector(t, 200, 0)
			// The exit timeout is raised: on a loaded machine node's first
			// fetch took longer than the default second, and the batch
			// failed (export_failed 200, seen in CI).
			_, got := burst(t, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "OTEL_BSP_MAX_QUEUE_SIZE=200", "TELEMETRY_INJECT_EXIT_TIMEOUT=30000"), "1", shape[0], shape[1], "return")
			bodies, _, _ := c.received()
			spans := decode(t, bodies)
			by := checkTree(t, spans, burstTree)
			if len(by["root"]) != 1 || len(by["branch"]) == 0 || len(by["leaf"]) == 0 || len(spans) > 200 {
				t.Errorf("exported %d roots, %d branches, %d leaves; want 1 root, some of each, 200 at most", len(by["root"]), len(by["branch"]), len(by["leaf"]))
			}
			n := debugCounts(t, got.out)
			if n["exported"] != len(spans) || n["dropped"] != total-len(spans) || n["queue_full"] != n["dropped"] {
				t.Errorf("counts %v; %d spans received of %d", n, len(spans), total)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestJSProcessExitCountsWhatOTLPCannotSend: process.exit() leaves no
// time for a request, so the queued spans are counted as dropped.
func TestJSProcessExitCountsWhatOTLPCannotSend(t *testing.T) {
	c := newCollector(t, 200, 0)
	_, got := burst(t, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL), "1", "2", "10", "exit")
	bodies, _, _ := c.received()
	received := len(decode(t, bodies))
	n := debugCounts(t, got.out)
	if n["exported"] != received || n["at_exit"]+received != 23 || n["dropped"] != n["at_exit"] {
		t.Errorf("counts %v, %d spans received of 23", n, received)
	}
}

func TestJSSamplingKeepsWholeTraces(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      []string
		min, max int // traces exported of 200
	}{
		{"always_off", []string{"OTEL_TRACES_SAMPLER=always_off"}, 0, 0},
		{"parentbased_always_off", []string{"OTEL_TRACES_SAMPLER=parentbased_always_off"}, 0, 0},
		{"always_on", []string{"OTEL_TRACES_SAMPLER=always_on"}, 200, 200},
		{"traceidratio", []string{"OTEL_TRACES_SAMPLER=traceidratio", "OTEL_TRACES_SAMPLER_ARG=0.5"}, 60, 140},
		{"parentbased_traceidratio", []string{"OTEL_TRACES_SAMPLER=parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG=0.25"}, 20, 80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollector(t, 200, 0)
			_, got := burst(t, cleanEnv(append(tc.env, "OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL)...), "200", "1", "2", "return")
			bodies, _, _ := c.received()
			if tc.max == 0 {
				if len(bodies) != 0 {
					t.Errorf("%d requests with sampling off", len(bodies))
				}
				return
			}
			spans := decode(t, bodies)
			by := checkTree(t, spans, burstTree)
			if r := len(by["root"]); r < tc.min || r > tc.max || len(spans) != 4*r {
				t.Errorf("%d traces, %d spans; want %d-%d traces of 4 spans each", r, len(spans), tc.min, tc.max)
			}
			if n := debugCounts(t, got.out); n["unsampled"] != 800-len(spans) {
				t.Errorf("counts %v: %d spans not sampled", n, 800-len(spans))
			}
		})
	}
}

// TestJSRateLimitPerSpanName: a hot function is cut to its bucket, its
// callers are all there, and what was cut is counted.
func TestJSRateLimitPerSpanName(t *testing.T) {
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	_, got := burst(t, cleanEnv("TELEMETRY_INJECT_FILE="+out, "TELEMETRY_INJECT_SPANS_PER_SECOND=50"), "1", "10", "450", "return")
	spans := decode(t, [][]byte{fileSpans(t, out)})
	by := checkTree(t, spans, burstTree)
	// A burst of one second's worth at 50 per second, plus what refilled
	// while the program ran (a fraction of a second).
	if len(by["root"]) != 1 || len(by["branch"]) != 10 || len(by["leaf"]) < 50 || len(by["leaf"]) > 75 {
		t.Errorf("%d roots, %d branches, %d leaves; want 1, 10 and 50-75", len(by["root"]), len(by["branch"]), len(by["leaf"]))
	}
	if n := debugCounts(t, got.out); n["rate_limited"] != 4500-len(by["leaf"]) || n["dropped"] != 0 {
		t.Errorf("counts %v with %d leaves exported", n, len(by["leaf"]))
	}
}

func TestJSSpanLimitsAndLoopAggregation(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "limits.js", source.ModuleCommonJS)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	got := run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=4", "TELEMETRY_INJECT_DEBUG=1"), node, p.prog, "300", "1")
	by := checkTree(t, decode(t, [][]byte{fileSpans(t, out)}), map[string][]string{"chatty": {""}, "nested": {""}})
	ch := by["chatty"][0]
	if len(ch.Events) != 128 || ch.DroppedEvents != 172 || len(ch.Attrs) != 4 || ch.DroppedAttrs != 2 {
		t.Errorf("chatty: %d events, %d dropped; attributes %v, %d dropped", len(ch.Events), ch.DroppedEvents, ch.Attrs, ch.DroppedAttrs)
	}
	ne := by["nested"][0]
	if len(ne.Events) != 2 || ne.Attrs["nested.outer.iterations"] != int64(100) || ne.Attrs["nested.inner.iterations"] != int64(1000) || ne.Attrs["nested.inner.runs"] != int64(100) {
		t.Errorf("nested: events %v, attributes %v", ne.Events, ne.Attrs)
	}
	if n := debugCounts(t, got.out); n["events_over_limit"] != 172 || n["attributes_over_limit"] != 2 {
		t.Errorf("counts %v", n)
	}
}

// TestJSEventAndValueLimits: OTEL_SPAN_EVENT_COUNT_LIMIT bounds a span's
// events, 0 included, with the rest counted, and
// OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT cuts string values, as in Python.
func TestJSEventAndValueLimits(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "limits.js", source.ModuleCommonJS)
	for _, limit := range []int{0, 10} {
		out := filepath.Join(t.TempDir(), "spans.jsonl")
		got := run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out, "OTEL_SPAN_EVENT_COUNT_LIMIT="+strconv.Itoa(limit), "TELEMETRY_INJECT_DEBUG=1"), node, p.prog, "30", "1")
		by := checkTree(t, decode(t, [][]byte{fileSpans(t, out)}), map[string][]string{"chatty": {""}, "nested": {""}})
		ch, ne := by["chatty"][0], by["nested"][0]
		if len(ch.Events) != limit || int(ch.DroppedEvents) != 30-limit || len(ne.Events) != min(limit, 2) {
			t.Errorf("limit %d: chatty has %d events, %d dropped; nested %d", limit, len(ch.Events), ch.DroppedEvents, len(ne.Events))
		}
		if n := debugCounts(t, got.out); n["events_over_limit"] != 30-limit+2-min(limit, 2) {
			t.Errorf("limit %d: counts %v", limit, n)
		}
	}
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=5"), node, p.prog, "2", "1")
	by := checkTree(t, decode(t, [][]byte{fileSpans(t, out)}), map[string][]string{"chatty": {""}, "nested": {""}})
	if ch := by["chatty"][0]; ch.Attrs["code.file.path"] != "limit" || ch.EventAttrs[0]["shape"] != "numbe" {
		t.Errorf("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=5: attributes %v, events %v", ch.Attrs, ch.EventAttrs)
	}
}

// TestJSRequestsStayUnder4MiB exports 30 spans of about 300 KB each:
// they must arrive in several requests, each under 4 MiB.
func TestJSRequestsStayUnder4MiB(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "limits.js", source.ModuleCommonJS)
	c := newCollector(t, 200, 0)
	// 16 MB go at exit: a loaded machine needs more than the default
	// second to send them.
	env := cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "OTEL_SPAN_EVENT_COUNT_LIMIT=100000", "TELEMETRY_INJECT_EXIT_TIMEOUT=30000")
	got := run(t, p.dir, env, node, p.prog, "3000", "30")
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	requireSplitUnder4MiB(t, c, 31)
}

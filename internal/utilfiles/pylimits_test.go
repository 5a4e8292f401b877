package utilfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// limitsRun runs testdata/py/limits.py's case with extra environment and
// returns its spans (file export), the raw span file and the counts of
// its debug line.
func limitsRun(t *testing.T, name string, env ...string) ([]span, []byte, map[string]int) {
	t.Helper()
	py := tool(t, "python3")
	p := pythonProject(t, "limits.py")
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	got := run(t, p.dir, cleanEnv(append(env, "TELEMETRY_INJECT_FILE="+out, "TELEMETRY_INJECT_DEBUG=1")...), py, "-W", "error", p.prog, name)
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	counts := map[string]int{}
	for _, m := range regexp.MustCompile(`([a-z_]+)=(\d+)`).FindAllStringSubmatch(got.out, -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	started := regexp.MustCompile(`started (\d+)`).FindStringSubmatch(got.out)
	if len(started) != 2 {
		t.Fatalf("no start count:\n%s", got.out)
	}
	counts["started"], _ = strconv.Atoi(started[1])
	raw, err := os.ReadFile(out)
	if os.IsNotExist(err) {
		return nil, nil, counts
	}
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, [][]byte{fileSpans(t, out)}), raw, counts
}

var limitsTree = map[string][]string{"burst": {""}, "child": {"burst", ""}, "leaf": {"child", ""}}

// TestPythonFullQueueDropsLeavesNotParents fills a 50-span queue that is
// never drained before exit: the spans kept form whole subtrees (every
// exported span's parent is exported, the root included), and every other
// span is counted as dropped.
func TestPythonFullQueueDropsLeavesNotParents(t *testing.T) {
	spans, _, n := limitsRun(t, "queue", "OTEL_BSP_MAX_QUEUE_SIZE=50", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=50",
		"OTEL_BSP_SCHEDULE_DELAY=60000", "TELEMETRY_INJECT_SPANS_PER_SECOND=0")
	by := checkTree(t, spans, limitsTree)
	if len(spans) != 50 || len(by["burst"]) != 1 || n["exported"] != 50 {
		t.Errorf("%d spans exported (debug line: %d), want 50 with the root", len(spans), n["exported"])
	}
	if n["exported"]+n["dropped"] != n["started"] || n["queue_full"] == 0 {
		t.Errorf("exported %d + dropped %d != started %d (queue_full %d)", n["exported"], n["dropped"], n["started"], n["queue_full"])
	}
}

// TestPythonEventsAndIterationsAreBounded runs a 10,000-iteration loop that
// also records a variable 200 times: iterations become one attribute, and
// events stop at OTEL_SPAN_EVENT_COUNT_LIMIT with the rest counted.
func TestPythonEventsAndIterationsAreBounded(t *testing.T) {
	for _, tc := range []struct {
		env    []string
		events int
	}{{nil, 128}, {[]string{"OTEL_SPAN_EVENT_COUNT_LIMIT=10"}, 10}} {
		spans, raw, n := limitsRun(t, "events", tc.env...)
		if len(spans) != 1 || spans[0].Attrs["chatty.loop.iterations"] != int64(10000) || len(spans[0].Events) != tc.events {
			t.Fatalf("%v: spans %d, attributes %v, %d events", tc.env, len(spans), spans[0].Attrs, len(spans[0].Events))
		}
		over := 201 - tc.events
		if !bytes.Contains(raw, []byte(`"droppedEventsCount":`+strconv.Itoa(over))) || n["events_over_limit"] != over {
			t.Errorf("%v: %d events over the limit not counted (debug %d)", tc.env, over, n["events_over_limit"])
		}
	}
}

// TestPythonAttributeLimit keeps OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT attributes
// (the code attributes first) and counts the rest.
func TestPythonAttributeLimit(t *testing.T) {
	spans, raw, n := limitsRun(t, "events", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=3")
	if len(spans) != 1 || len(spans[0].Attrs) != 3 || !bytes.Contains(raw, []byte(`"droppedAttributesCount":1`)) || n["attributes_over_limit"] != 1 {
		t.Errorf("attributes %v, counts %v", spans[0].Attrs, n)
	}
	spans, _, _ = limitsRun(t, "events", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=5")
	if len(spans) != 1 || spans[0].Attrs["code.file.path"] != "limit" || spans[0].EventAttrs[1]["shape"] != "int" {
		t.Errorf("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=5: attributes %v, events %v", spans[0].Attrs, spans[0].EventAttrs[:2])
	}
}

// TestPythonRateLimitPerSpanName calls one function 100 times at once,
// twice a second apart, with a budget of 10 spans a second for its name,
// set under either of the names the JavaScript runtime reads too.
func TestPythonRateLimitPerSpanName(t *testing.T) {
	for _, name := range []string{"TELEMETRY_INJECT_SPANS_PER_SECOND", "TELEMETRY_INJECT_SPAN_RATE_LIMIT"} {
		spans, _, n := limitsRun(t, "rate", name+"=10")
		if len(spans) < 20 || len(spans) > 35 || n["rate_limited"] != 200-len(spans) || n["dropped"] != n["rate_limited"] {
			t.Errorf("%s=10: %d spans exported, counts %v", name, len(spans), n)
		}
	}
}

// TestPythonSampler checks OTEL_TRACES_SAMPLER: always_off records nothing,
// a ratio keeps about that share of traces, each one whole.
func TestPythonSampler(t *testing.T) {
	spans, _, n := limitsRun(t, "sampler", "OTEL_TRACES_SAMPLER=always_off", "TELEMETRY_INJECT_SPANS_PER_SECOND=0")
	if len(spans) != 0 || n["exported"] != 0 {
		t.Errorf("always_off: %d spans exported (%v)", len(spans), n)
	}
	for _, sampler := range []string{"traceidratio", "parentbased_traceidratio"} {
		spans, _, n := limitsRun(t, "sampler", "OTEL_TRACES_SAMPLER="+sampler, "OTEL_TRACES_SAMPLER_ARG=0.25", "TELEMETRY_INJECT_SPANS_PER_SECOND=0")
		by := checkTree(t, spans, map[string][]string{"child": {""}, "leaf": {"child"}})
		roots := len(by["child"])
		if roots < 150 || roots > 350 || len(by["leaf"]) != 2*roots || n["unsampled"] != n["started"]-len(spans) || n["dropped"] != 0 {
			t.Errorf("%s 0.25: %d of 1000 traces kept, %d leaves, counts %v", sampler, roots, len(by["leaf"]), n)
		}
	}
}

// TestPythonOTLPRequestsStayUnderTheBodyLimit exports 300 spans of 128
// events each (about 10 MB): requests are split under 4 MiB and all
// spans arrive.
func TestPythonOTLPRequestsStayUnderTheBodyLimit(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "limits.py")
	c := newCollector(t, 200, 0)
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "TELEMETRY_INJECT_SPANS_PER_SECOND=0", "TELEMETRY_INJECT_EXIT_TIMEOUT=30000"), py, p.prog, "big")
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	requireSplitUnder4MiB(t, c, 300)
}

// requireSplitUnder4MiB checks that c received exactly want spans in three
// requests or more, each under a collector's 4 MiB default body limit.
func requireSplitUnder4MiB(t *testing.T, c *collector, want int) {
	t.Helper()
	bodies, _, _ := c.received()
	total := 0
	for _, b := range bodies {
		if len(b) >= 4<<20 {
			t.Errorf("a request of %d bytes: over the collector's 4 MiB default", len(b))
		}
		total += len(b)
	}
	if spans := decode(t, bodies); len(spans) != want || len(bodies) < 3 {
		t.Errorf("%d spans in %d requests (%d bytes), want %d in 3 or more", len(spans), len(bodies), total, want)
	}
}

// TestPythonRecursionLimitLosesNoQueueSlot recurses into an instrumented
// function until RecursionError, 20 times: the runtime's own calls fail near
// the limit, and the queue must be whole again afterwards.
func TestPythonRecursionLimitLosesNoQueueSlot(t *testing.T) {
	spans, _, n := limitsRun(t, "recursion", "TELEMETRY_INJECT_SPANS_PER_SECOND=0", "OTEL_BSP_MAX_QUEUE_SIZE=100000",
		"OTEL_BSP_MAX_EXPORT_BATCH_SIZE=5000", "OTEL_BSP_SCHEDULE_DELAY=20")
	if n["held"] != 0 || len(spans) < 1000 {
		t.Errorf("%d spans exported, %d queue slots still held after everything was exported", len(spans), n["held"])
	}
}

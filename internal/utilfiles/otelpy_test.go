package utilfiles

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPythonJoinsTheProgramsOpenTelemetry needs the opentelemetry-sdk
// package importable by python3; it is skipped where it is not installed.
func TestPythonJoinsTheProgramsOpenTelemetry(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "otel_prog.py")
	if r := run(t, p.dir, cleanEnv(), py, "-c", "import opentelemetry.sdk.trace"); r.code != 0 {
		t.Skip("the opentelemetry-sdk Python package is not installed")
	}
	c := newCollector(t, 200, 0)
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL), py, "-W", "error", p.prog)
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	var report struct {
		Result int
		Spans  []struct {
			Name, TraceID, SpanID, Parent, Status, Scope string
			Events                                       []string
			Attrs                                        map[string]any
		}
	}
	if err := json.Unmarshal([]byte(strings.SplitN(got.out, "\n", 3)[1]), &report); err != nil {
		t.Fatalf("program output is not the expected JSON: %v\n%s", err, got.out)
	}
	names := map[string]string{}
	var root string
	for _, s := range report.Spans {
		names[s.SpanID] = s.Name
		if s.Name == "program.root" {
			root = s.TraceID
		}
	}
	want := map[string]string{"program.root": "", "outer": "program.root", "inner": "outer", "program.child": "inner"}
	count := map[string]int{}
	for _, s := range report.Spans {
		count[s.Name]++
		if parent, ok := want[s.Name]; !ok || names[s.Parent] != parent || s.TraceID != root {
			t.Errorf("span %s: parent %q, trace %s (root's %s)", s.Name, names[s.Parent], s.TraceID, root)
		}
		if s.Name == "inner" && s.Attrs["x"] == float64(10) && (s.Status != "ERROR" || !contains(s.Events, "exception")) {
			t.Errorf("failed inner: status %s, events %v", s.Status, s.Events)
		}
		if s.Name == "inner" && s.Attrs["x"] == float64(2) && (s.Attrs["inner.loop.iterations"] != float64(2) || s.Scope != "telemetry-inject") {
			t.Errorf("inner: attributes %v, scope %q", s.Attrs, s.Scope)
		}
	}
	if count["inner"] != 2 || count["program.child"] != 2 || count["outer"] != 1 || report.Result != 3 {
		t.Errorf("span counts %v, result %d", count, report.Result)
	}
	if bodies, _, _ := c.received(); len(bodies) != 0 {
		t.Errorf("our own exporter sent %d requests although the program has a tracer", len(bodies))
	}
}

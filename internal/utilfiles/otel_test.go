package utilfiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// otelPackages are the OpenTelemetry JS packages a program would use.
var otelPackages = []string{"@opentelemetry/api@1.9.0", "@opentelemetry/sdk-trace-base@1.30.1", "@opentelemetry/context-async-hooks@1.30.1"}

func TestJSJoinsTheProgramsOpenTelemetry(t *testing.T) {
	node := tool(t, "node")
	mods := npmInstall(t, otelPackages...)
	p := jsProject(t, "otel.js", source.ModuleCommonJS)
	if err := os.Symlink(filepath.Join(mods, "node_modules"), filepath.Join(p.dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	// Our own exporter is configured too, and must stay unused: the
	// program's tracer comes first.
	c := newCollector(t, 200, 0)
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL), node, p.prog)
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	var report struct {
		Result int
		Spans  []struct {
			Name, TraceID, SpanID, Parent, Scope string
			Status                               int
			Events                               []string
			Attrs                                map[string]any
		}
	}
	line := strings.SplitN(got.out, "\n", 3)[1]
	if err := json.Unmarshal([]byte(line), &report); err != nil {
		t.Fatalf("program output is not the expected JSON: %v\n%s", err, got.out)
	}
	if report.Result != 3 {
		t.Errorf("result %d, want 3", report.Result)
	}
	byName := map[string][]int{}
	ids := map[string]string{}
	for i, s := range report.Spans {
		byName[s.Name] = append(byName[s.Name], i)
		ids[s.SpanID] = s.Name
	}
	want := map[string]string{"program.root": "", "outer": "program.root", "inner": "outer", "program.child": "outer"}
	for name, parent := range want {
		if len(byName[name]) == 0 {
			t.Errorf("no span %s; spans: %+v", name, report.Spans)
		}
		for _, i := range byName[name] {
			s := report.Spans[i]
			wantParent := parent
			if s.Name == "inner" && s.Attrs["x"] == float64(1) {
				// Called inside the program's own span, inside ours.
				wantParent = "program.child"
			}
			if ids[s.Parent] != wantParent {
				t.Errorf("span %s (x=%v): parent %q, want %q", name, s.Attrs["x"], ids[s.Parent], wantParent)
			}
			if s.TraceID != report.Spans[byName["program.root"][0]].TraceID {
				t.Errorf("span %s is not in the program's trace", name)
			}
		}
	}
	if len(byName["inner"]) != 3 {
		t.Fatalf("%d inner spans, want 3", len(byName["inner"]))
	}
	ok, bad := report.Spans[byName["inner"][0]], report.Spans[byName["inner"][2]]
	if ok.Attrs["x"] != float64(2) || ok.Attrs["inner.loop.iterations"] != float64(2) || ok.Attrs["code.function.name"] != "inner" || ok.Scope != "telemetry-inject" {
		t.Errorf("inner attributes: %v, scope %q", ok.Attrs, ok.Scope)
	}
	if bad.Status != 2 || !contains(bad.Events, "exception") {
		t.Errorf("failed inner: status %d, events %v", bad.Status, bad.Events)
	}
	if bodies, _, _ := c.received(); len(bodies) != 0 {
		t.Errorf("our own exporter sent %d requests although the program has a tracer", len(bodies))
	}
}

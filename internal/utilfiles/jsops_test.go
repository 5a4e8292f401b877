package utilfiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// serverPackages are what testdata/js/server.js and otel_setup.js load.
var serverPackages = []string{"express@4.21.2", "@opentelemetry/api@1.9.0", "@opentelemetry/sdk-trace-base@1.30.1",
	"@opentelemetry/context-async-hooks@1.30.1", "@opentelemetry/instrumentation@0.57.2", "@opentelemetry/instrumentation-http@0.57.2"}

// serverRequests is how many requests the tests send to the app.
const serverRequests = 5

// serverProject sets up testdata/js/server.js with the npm packages.
func serverProject(t *testing.T) project {
	t.Helper()
	mods := npmInstall(t, serverPackages...)
	p := jsProject(t, "server.js", source.ModuleCommonJS)
	write(t, p.dir, "otel_setup.js", readTestdata(t, "js/otel_setup.js"))
	if err := os.Symlink(filepath.Join(mods, "node_modules"), filepath.Join(p.dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestJSRequestIsItsOwnTrace: the span that started the server has ended
// by the time requests come, so each request starts a trace of its own
// instead of joining the server's.
func TestJSRequestIsItsOwnTrace(t *testing.T) {
	node := tool(t, "node")
	p := serverProject(t)
	plain := run(t, p.dir, cleanEnv(), node, p.plainP, "5")
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	sameBehaviour(t, plain, run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, p.prog, "5"), slack)
	if strings.Count(plain.out, `"name":"item`) != serverRequests {
		t.Fatalf("the app did not answer:\n%s", plain.out)
	}
	spans := decode(t, [][]byte{fileSpans(t, out)})
	by := checkTree(t, spans, map[string][]string{"main": {""}, "start": {"main"}, "handle": {""}, "lookup": {"handle"}})
	traces := map[string]bool{by["main"][0].TraceID: true}
	for _, h := range by["handle"] {
		traces[h.TraceID] = true
		if h.Attrs["req"] != "object" || h.Attrs["res"] != "object" {
			t.Errorf("handle attributes %v: want the shape object, nothing more", h.Attrs)
		}
	}
	if len(by["handle"]) != serverRequests || len(by["lookup"]) != serverRequests || len(traces) != serverRequests+1 {
		t.Errorf("%d handle spans, %d lookups in %d traces; want %d requests, each its own trace besides main's", len(by["handle"]), len(by["lookup"]), len(traces), serverRequests)
	}
}

// TestJSNestsUnderTheSDKsServerSpan registers the OpenTelemetry SDK with
// its HTTP instrumentation: the injected spans of a request nest under the
// SERVER span the instrumentation makes for it.
func TestJSNestsUnderTheSDKsServerSpan(t *testing.T) {
	node := tool(t, "node")
	p := serverProject(t)
	plain := run(t, p.dir, cleanEnv(), node, p.plainP, "5")
	out := filepath.Join(t.TempDir(), "spans.json")
	got := run(t, p.dir, cleanEnv("SPANS_OUT="+out), node, "--require", "./otel_setup.js", p.prog, "5")
	sameBehaviour(t, plain, got, slack)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var spans []struct {
		Name, TraceID, SpanID, Parent, Scope, ScopeVersion string
		Kind                                               int
	}
	if err := json.Unmarshal(b, &spans); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	byID := map[string]int{}
	for i, s := range spans {
		byID[s.SpanID] = i
	}
	parentOf := func(i int) string {
		if j, ok := byID[spans[i].Parent]; ok {
			return spans[j].Name
		}
		return ""
	}
	count := map[string]int{}
	for i, s := range spans {
		count[s.Name]++
		want := map[string]string{"handle": "GET", "lookup": "handle", "start": "main", "main": ""}[s.Name]
		if s.Kind == 1 { // SERVER
			if !strings.HasPrefix(s.Name, "GET") || s.Parent != "" {
				t.Errorf("server span %s has parent %q", s.Name, s.Parent)
			}
			continue
		}
		if s.Scope != "telemetry-inject" || s.ScopeVersion != scopeVersion || s.Kind != 0 {
			t.Errorf("span %s: scope %s %s, kind %d", s.Name, s.Scope, s.ScopeVersion, s.Kind)
		}
		if p := parentOf(i); !strings.HasPrefix(p, want) || (want == "" && s.Parent != "") {
			t.Errorf("span %s: parent %q, want %q", s.Name, p, want)
		}
	}
	if count["handle"] != serverRequests || count["lookup"] != serverRequests {
		t.Errorf("span counts %v", count)
	}
}

// TestJSContextFollowsTheWork checks testdata/js/context.js: a suspended
// generator, a timer started by a synchronous function, and a timer an
// async function leaves behind all end up where the work was started, or
// in a trace of their own once the span that started them has ended. A
// suspended generator's span is the parent of what its consumer does in
// the same job (enter cannot tell that the generator yielded), and of
// nothing after.
func TestJSContextFollowsTheWork(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "context.js", source.ModuleCommonJS)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	sameBehaviour(t, run(t, p.dir, cleanEnv(), node, p.plainP), run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, p.prog), slack)
	spans := decode(t, [][]byte{fileSpans(t, out)})
	checkTree(t, spans, map[string][]string{"gen": {""}, "schedule": {""}, "outer": {""}, "inner": {"outer"}, "leaf": {"", "gen", "schedule", "outer", "inner"}})
	names := map[string]string{}
	for _, s := range spans {
		names[s.SpanID] = s.Name
	}
	want := map[string]string{"in-gen": "gen", "same-job-as-gen": "gen", "after-gen": "", "in-schedule": "schedule", "after-schedule": "",
		"in-outer": "outer", "in-inner": "inner", "fire-and-forget": ""}
	for _, s := range spans {
		if s.Name != "leaf" {
			continue
		}
		tag, _ := s.Attrs["tag"].(string)
		if w, ok := want[tag]; !ok || names[s.ParentID] != w {
			t.Errorf("leaf %q: parent %q, want %q", tag, names[s.ParentID], w)
		}
		delete(want, tag)
	}
	if len(want) != 0 {
		t.Errorf("no leaf span for %v", want)
	}
}

package utilfiles

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// pyParents is the span tree testdata/py/prog.py must produce: for each
// span name, the names its parent may have ("" for a root). A generator's
// span is never current (its frame yields to the consumer), so what the
// generator calls nests under the consumer's span.
var pyParents = map[string][]string{
	"main": {""}, "outer": {"main"}, "gen": {"main"}, "boom": {"deep"}, "deep": {"main"},
	"Shop.price": {"main"}, "Shop.tax": {"main"}, "amain": {"main"}, "keep": {"main"},
	"work": {"amain"}, "agen": {"amain"},
	// One thread runs in a copy of main's context, the other in a fresh one.
	"threaded": {"main", ""},
	"add":      {"outer", "main", "threaded", "work", "amain"},
}

// checkPythonSpans checks what testdata/py/prog.py emits.
func checkPythonSpans(t *testing.T, spans []span) {
	t.Helper()
	by := checkTree(t, spans, pyParents)
	if len(spans) != 26 {
		t.Errorf("got %d spans, want 26", len(spans))
	}
	for child, want := range map[[2]string]int{{"add", "main"}: 3, {"add", "amain"}: 2, {"add", "work"}: 2, {"add", "outer"}: 3, {"add", "threaded"}: 2, {"threaded", "main"}: 1, {"work", "amain"}: 2} {
		if got := childrenOf(spans, child[0], child[1]); got != want {
			t.Errorf("%d %s spans under %s, want %d", got, child[0], child[1], want)
		}
	}
	if len(by["main"]) != 1 || len(by["outer"]) != 1 || len(by["boom"]) != 1 || len(by["Shop.price"]) != 1 || len(by["deep"]) != 1 {
		t.Fatalf("span counts: %v", by)
	}
	// Shapes by default, values where the renderer opted in (outer), and
	// nothing at all, not even a length, for sensitive names.
	if a := by["add"][0].Attrs; a["a"] != "int" || a["b"] != "int" {
		t.Errorf("add attributes (shapes): %v", a)
	}
	outer := by["outer"][0]
	if outer.Attrs["n"] != int64(3) || outer.Attrs["outer.loop.iterations"] != int64(3) {
		t.Errorf("outer attributes: %v", outer.Attrs)
	}
	if _, ok := outer.Attrs["password"]; ok {
		t.Errorf("sensitive parameter recorded: %v", outer.Attrs)
	}
	if strings.Join(outer.Events, ",") != "outer.loop,api_token,api_token" {
		t.Errorf("outer events: %v", outer.Events)
	}
	for i, e := range outer.EventAttrs {
		if len(e) != 2 {
			t.Errorf("outer event %s carries more than its code location: %v", outer.Events[i], e)
		}
	}
	// An exception is recorded once, where it was raised; every span it
	// escapes is an error. Its message is program data, recorded only by
	// spans that record values (messages_test.go).
	boom, deep := by["boom"][0], by["deep"][0]
	if boom.Status.String() != "Error" || len(boom.Events) != 1 || boom.Events[0] != "exception" ||
		boom.EventAttrs[0]["exception.type"] != "ValueError" || boom.EventAttrs[0]["exception.message"] != nil {
		t.Errorf("boom: status %v, events %v %v", boom.Status, boom.Events, boom.EventAttrs)
	}
	if st, _ := boom.EventAttrs[0]["exception.stacktrace"].(string); !strings.HasPrefix(st, "Traceback (most recent call last):\n  File ") ||
		!strings.HasSuffix(st, ", in boom\nValueError\n") {
		t.Errorf("boom stack trace: %q", st)
	}
	if deep.Status.String() != "Error" || len(deep.Events) != 0 {
		t.Errorf("deep: status %v, events %v (the exception belongs to boom)", deep.Status, deep.Events)
	}
	price := by["Shop.price"][0]
	if price.EventAttrs[0]["shape"] != "str[1000]" || price.EventAttrs[0]["value"] != nil {
		t.Errorf("a long string recorded by value: %v", price.EventAttrs[0])
	}
	if price.Attrs["item"] != "apple" || price.Attrs["self"] != "__main__.Shop" || price.Attrs["code.line.number"] != int64(64) || price.Attrs["code.file.path"] != "prog.py" {
		t.Errorf("Shop.price attributes: %v", price.Attrs)
	}
	if keep := by["keep"][0]; keep.Attrs["obj"] != "__main__.Box" {
		t.Errorf("keep attributes: %v", keep.Attrs)
	}
	main := by["main"][0]
	for _, s := range spans {
		if s.TraceID != main.TraceID && s.Name != "threaded" && s.ParentID == "" {
			t.Errorf("span %s is in another trace", s.Name)
		}
	}
}

func TestPythonOffBehavesAsPlain(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "prog.py")
	plain := run(t, p.dir, cleanEnv(), py, "-W", "error", p.plainP)
	if plain.code != 3 || !strings.Contains(plain.out, "collected True") {
		t.Fatalf("plain program: exit %d\n%s", plain.code, plain.out)
	}
	got := run(t, p.dir, cleanEnv(), py, "-W", "error", p.prog)
	sameBehaviour(t, plain, got, slack)
}

func TestPythonFileExport(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "prog.py")
	plain := run(t, p.dir, cleanEnv(), py, "-W", "error", p.plainP)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	got := run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), py, "-W", "error", p.prog)
	sameBehaviour(t, plain, got, slack)
	checkPythonSpans(t, decode(t, [][]byte{fileSpans(t, out)}))
}

func TestPythonOTLPExport(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "prog.py")
	plain := run(t, p.dir, cleanEnv(), py, "-W", "error", p.plainP)
	c := newCollector(t, 200, 0)
	env := cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL+"/", "OTEL_SERVICE_NAME=shop-py",
		"OTEL_RESOURCE_ATTRIBUTES=deployment.environment=test,team=a%20b", "OTEL_EXPORTER_OTLP_HEADERS=x-api-key=abc")
	got := run(t, p.dir, env, py, "-W", "error", p.prog)
	sameBehaviour(t, plain, got, slack)
	bodies, heads, paths := c.received()
	if len(bodies) == 0 {
		t.Fatal("the collector received nothing")
	}
	for i := range paths {
		if paths[i] != "POST /v1/traces" || heads[i].Get("Content-Type") != "application/json" || heads[i].Get("X-Api-Key") != "abc" {
			t.Errorf("request %d: %s, headers %v", i, paths[i], heads[i])
		}
	}
	spans := decode(t, bodies)
	checkPythonSpans(t, spans)
	res := spans[0].Resource
	if res["service.name"] != "shop-py" || res["deployment.environment"] != "test" || res["team"] != "a b" ||
		res["telemetry.sdk.name"] != "telemetry-inject" || res["telemetry.sdk.language"] != "python" || res["telemetry.sdk.version"] == nil {
		t.Errorf("resource: %v", res)
	}
	for _, b := range bodies {
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
		if err != nil {
			t.Fatal(err)
		}
		if scope := td.ResourceSpans().At(0).ScopeSpans().At(0).Scope(); scope.Name() != "telemetry-inject" || scope.Version() == "" {
			t.Errorf("instrumentation scope %q version %q", scope.Name(), scope.Version())
		}
	}
}

func TestPythonCollectorTroubleChangesNothing(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "prog.py")
	plain := run(t, p.dir, cleanEnv(), py, "-W", "error", p.plainP)
	for name, endpoint := range map[string]func() string{
		"down": func() string { return deadEndpoint(t) },
		"slow": func() string { return newCollector(t, 200, 30*time.Second).URL },
		"500":  func() string { return newCollector(t, 500, 0).URL },
		"503":  func() string { return newCollector(t, 503, 0).URL },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint()), py, "-W", "error", p.prog)
			sameBehaviour(t, plain, got, slack)
		})
	}
}

func TestPythonSDKDisabled(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "prog.py")
	c := newCollector(t, 200, 0)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "TELEMETRY_INJECT_FILE="+out, "OTEL_SDK_DISABLED=true"), py, p.prog)
	if got.code != 3 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	if bodies, _, _ := c.received(); len(bodies) != 0 {
		t.Errorf("OTEL_SDK_DISABLED=true, yet %d requests were sent", len(bodies))
	}
}

func TestPythonForkedChildExportsItsOwnSpans(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "fork.py")
	c := newCollector(t, 200, 0)
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "OTEL_BSP_SCHEDULE_DELAY=100"), py, "-W", "error", p.prog)
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	if !strings.Contains(got.out, "threads at fork 0\n") {
		t.Errorf("the exporter thread was still running at fork:\n%s", got.out)
	}
	pids := map[string]string{}
	for _, line := range strings.Split(got.out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && (f[0] == "parent" || f[0] == "child") {
			pids[f[0]] = f[1]
		}
	}
	bodies, _, _ := c.received()
	spans := decode(t, bodies)
	seen := map[string]string{}
	count := map[string]int{}
	for _, s := range spans {
		pid, _ := s.Resource["process.pid"].(int64)
		seen[s.Name] = strconv.FormatInt(pid, 10)
		count[s.Name]++
	}
	if count["serve"] != 1 || count["in_child"] != 1 || count["in_parent"] != 1 {
		t.Errorf("span counts %v: want each once (the child must not export its copy of serve)", count)
	}
	for name, who := range map[string]string{"before_fork": "parent", "in_parent": "parent", "in_child": "child", "serve": "parent"} {
		if seen[name] == "" || seen[name] != pids[who] {
			t.Errorf("span %s exported by pid %q, want the %s's (%q); output:\n%s", name, seen[name], who, pids[who], got.out)
		}
	}
	if pids["parent"] == pids["child"] {
		t.Errorf("parent and child pids are the same: %v", pids)
	}
}

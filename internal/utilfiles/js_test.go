package utilfiles

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// jsParents is the span tree testdata/js/prog.js must produce. An async
// generator's span covers its body up to the first await or yield (enter
// keeps no asynchronous context: AsyncLocalStorage.enterWith would leak it
// into the consumer), so what agen calls after its await nests under main.
var jsParents = map[string][]string{
	"main": {""}, "boom": {"main"}, "gen": {"main"}, "agen": {"main"}, "Shop.price": {"main"},
	"Shop.later": {"main"}, "work": {"main"}, "failing": {"main"}, "sq": {"main"}, "thenable": {"main"}, "keep": {"main"},
	"add": {"main", "gen", "Shop.later", "work"},
}

// modules are the two ways a JavaScript package loads the runtime.
var modules = []source.Module{source.ModuleCommonJS, source.ModuleESM}

// checkJSSpans checks what testdata/js/prog.js emits.
func checkJSSpans(t *testing.T, spans []span) {
	t.Helper()
	by := checkTree(t, spans, jsParents)
	for child, want := range map[[2]string]int{{"add", "gen"}: 3, {"add", "agen"}: 0, {"add", "work"}: 2, {"add", "main"}: 5, {"add", "Shop.later"}: 1, {"boom", "main"}: 2} {
		if got := childrenOf(spans, child[0], child[1]); got != want {
			t.Errorf("%d %s spans under %s, want %d", got, child[0], child[1], want)
		}
	}
	if len(spans) != 24 {
		t.Errorf("got %d spans, want 24", len(spans))
	}
	if len(by["main"]) != 1 || len(by["Shop.price"]) != 1 || len(by["failing"]) != 1 {
		t.Fatalf("span counts: %v", by)
	}
	main := by["main"][0]
	if main.Attrs["main.loop.iterations"] != int64(3) || len(main.Events) != 1 || main.Events[0] != "main.loop" {
		t.Errorf("main: attributes %v, events %v", main.Attrs, main.Events)
	}
	for _, b := range by["boom"] {
		if b.Status.String() != "Error" || len(b.Events) != 1 || b.Events[0] != "exception" {
			t.Errorf("boom: status %v, events %v", b.Status, b.Events)
		}
	}
	f := by["failing"][0]
	if f.Status.String() != "Error" || len(f.EventAttrs) != 1 || f.EventAttrs[0]["exception.type"] != "RangeError" || f.EventAttrs[0]["exception.message"] != "" {
		t.Errorf("failing: status %v, events %v", f.Status, f.EventAttrs)
	}
	price := by["Shop.price"][0]
	if price.Attrs["item"] != "apple" || price.Attrs["qty"] != int64(2) || len(price.EventAttrs) != 2 {
		t.Fatalf("Shop.price: attributes %v, events %v", price.Attrs, price.EventAttrs)
	}
	if v := price.EventAttrs[0]["value"]; v != "string(1000)" {
		t.Errorf("a long string recorded as a value, not as its shape: %v", v)
	}
	if a := price.EventAttrs[1]; len(a) != 2 || price.Events[1] != "apiToken" {
		t.Errorf("sensitive apiToken recorded: %v %v", price.Events, a)
	}
	if k := by["keep"]; len(k) != 1 || k[0].Attrs["obj"] != "Object(2)" || k[0].EventAttrs[0]["shape"] != "Object(2)" {
		t.Errorf("keep span: %+v", k)
	}
	for _, s := range spans {
		if s.TraceID != main.TraceID {
			t.Errorf("span %s is in another trace", s.Name)
		}
	}
}

func TestJSOffBehavesAsPlain(t *testing.T) {
	node := tool(t, "node")
	for _, m := range modules {
		t.Run(string(m), func(t *testing.T) {
			p := jsProject(t, "prog.js", m)
			plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
			if plain.code != 3 || !strings.Contains(plain.out, "thenable function 1 resolved thenable") || !strings.Contains(plain.out, "collected true") {
				t.Fatalf("plain program: exit %d\n%s", plain.code, plain.out)
			}
			sameBehaviour(t, plain, run(t, p.dir, cleanEnv(), node, "--expose-gc", p.prog), slack)
		})
	}
}

func TestJSFileExport(t *testing.T) {
	node := tool(t, "node")
	for _, m := range modules {
		t.Run(string(m), func(t *testing.T) {
			p := jsProject(t, "prog.js", m)
			plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
			out := filepath.Join(t.TempDir(), "spans.jsonl")
			sameBehaviour(t, plain, run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, "--expose-gc", p.prog), slack)
			checkJSSpans(t, decode(t, [][]byte{fileSpans(t, out)}))
		})
	}
}

func TestJSOTLPExport(t *testing.T) {
	node := tool(t, "node")
	for _, m := range modules {
		t.Run(string(m), func(t *testing.T) {
			p := jsProject(t, "prog.js", m)
			plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
			c := newCollector(t, 200, 0)
			// A loaded machine's first fetch can take longer than the
			// default exit timeout of a second (the collector received
			// nothing, seen in CI).
			env := cleanEnv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="+c.URL+"/v1/traces", "OTEL_SERVICE_NAME=shop-js",
				"OTEL_RESOURCE_ATTRIBUTES=team=a%20b", "OTEL_EXPORTER_OTLP_TRACES_HEADERS=x-api-key=abc", "TELEMETRY_INJECT_EXIT_TIMEOUT=30000")
			sameBehaviour(t, plain, run(t, p.dir, env, node, "--expose-gc", p.prog), slack)
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
			checkJSSpans(t, spans)
			if res := spans[0].Resource; res["service.name"] != "shop-js" || res["team"] != "a b" || res["telemetry.sdk.name"] != "telemetry-inject" ||
				res["telemetry.sdk.language"] != "nodejs" || res["telemetry.sdk.version"] != scopeVersion {
				t.Errorf("resource: %v", res)
			}
			if spans[0].ScopeVersion != scopeVersion {
				t.Errorf("scope version %q, want %q", spans[0].ScopeVersion, scopeVersion)
			}
		})
	}
}

func TestJSCollectorTroubleChangesNothing(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "prog.js", source.ModuleCommonJS)
	plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
	for name, endpoint := range map[string]func() string{
		"down": func() string { return deadEndpoint(t) },
		"slow": func() string { return newCollector(t, 200, 30*time.Second).URL },
		"500":  func() string { return newCollector(t, 500, 0).URL },
		"503":  func() string { return newCollector(t, 503, 0).URL },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint()), node, "--expose-gc", p.prog)
			sameBehaviour(t, plain, got, slack)
		})
	}
}

// TestJSWithoutAsyncLocalStorage runs the ESM runtime where no Node
// built-in can be reached synchronously (Node 18, browsers): spans then
// follow a plain stack, which is right for synchronous code.
func TestJSWithoutAsyncLocalStorage(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "prog.js", source.ModuleESM)
	write(t, p.dir, "nobuiltins.cjs", "delete process.getBuiltinModule;\n")
	plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
	// Without built-ins there is no file to write, but fetch is there.
	c := newCollector(t, 200, 0)
	got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL), node, "--expose-gc", "--require", "./nobuiltins.cjs", p.prog)
	sameBehaviour(t, plain, got, slack)
	bodies, _, _ := c.received()
	spans := decode(t, bodies)
	loose := map[string][]string{}
	for name, parents := range jsParents {
		loose[name] = append(append([]string{""}, parents...), "main")
	}
	by := checkTree(t, spans, loose)
	// Everything main does before its first await nests under it.
	for child, want := range map[[2]string]int{{"add", "main"}: 3, {"boom", "main"}: 2, {"gen", "main"}: 1, {"add", "gen"}: 3} {
		if got := childrenOf(spans, child[0], child[1]); got != want {
			t.Errorf("%d %s spans under %s, want %d", got, child[0], child[1], want)
		}
	}
	if len(by["main"]) != 1 || by["main"][0].Attrs["main.loop.iterations"] != int64(3) {
		t.Errorf("main span: %+v", by["main"])
	}
}

// TestJSCommonJSWithoutGetBuiltinModule is Node before 20.16: the CommonJS
// runtime reaches AsyncLocalStorage and fs through require, so everything
// works as on newer Node.
func TestJSCommonJSWithoutGetBuiltinModule(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "prog.js", source.ModuleCommonJS)
	write(t, p.dir, "nobuiltins.cjs", "delete process.getBuiltinModule;\n")
	plain := run(t, p.dir, cleanEnv(), node, "--expose-gc", p.plainP)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	got := run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, "--expose-gc", "--require", "./nobuiltins.cjs", p.prog)
	sameBehaviour(t, plain, got, slack)
	checkJSSpans(t, decode(t, [][]byte{fileSpans(t, out)}))
}

package utilfiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// An application and a library instrumented apart, each importing its own
// copy of the runtime: the library's spans must nest in the application's.

const pyShareApp = `from ._telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject
import lib.work


def run(n):
    with __ti_span__("app.main.run", "app/main.py", 5, ("n", n), True):  # @telemetry-inject
        total = 0
        __ti_loop__("app.main.run.loop", "app/main.py", 7)  # @telemetry-inject
        for i in range(n):
            total += lib.work.step(i)
        return total
`

const pyShareLib = `from ._telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject


def step(i):
    with __ti_span__("lib.work.step", "lib/work.py", 4, ("i", i), True):  # @telemetry-inject
        __ti_mark__("lib.work.step.begin", "lib/work.py", 5)  # @telemetry-inject
        return leaf(i) + 1


def leaf(i):
    with __ti_span__("lib.work.leaf", "lib/work.py", 9, ("i", i), True):  # @telemetry-inject
        return i * 2
`

// pyShareMain calls the library before the application once (the library's
// copy is then the first to need a context), and reports what the program
// can see: the runtime copies loaded, modules the calls added, builtins.
const pyShareMain = `import builtins, sys
before_builtins = set(dir(builtins))
import app.main, lib.work
before = set(sys.modules)
first = sys.argv[1] == "lib-first"
if first:
    print(lib.work.step(10))
print(app.main.run(3))
if not first:
    print(lib.work.step(10))
print(sorted(m for m in sys.modules if m.endswith("_telemetry_utils")))
print("added", [m for m in sorted(set(sys.modules) - before) if not m.startswith(("os", "atexit", "_contextvars", "itertools", "time", "_json", "_thread"))])
print("builtins", sorted(set(dir(builtins)) ^ before_builtins))
`

// sharedTrees checks the spans of one run of either program: every step
// the application's run calls is its child in its trace, the step called
// on its own is a root, and each leaf is its step's child.
func sharedTrees(t *testing.T, spans []span, run, step, leaf string) {
	t.Helper()
	byName := checkTree(t, spans, map[string][]string{run: {""}, step: {"", run}, leaf: {step}})
	if len(byName[run]) != 1 || len(byName[step]) != 4 || len(byName[leaf]) != 4 {
		t.Fatalf("span counts: %d %s, %d %s, %d %s; want 1, 4, 4", len(byName[run]), run, len(byName[step]), step, len(byName[leaf]), leaf)
	}
	root := byName[run][0]
	nested := 0
	for _, s := range byName[step] {
		if s.ParentID == root.SpanID && s.TraceID == root.TraceID {
			nested++
		}
	}
	if nested != 3 {
		t.Errorf("%d of the library's %s spans are children of the application's %s, want 3", nested, step, run)
	}
}

// TestPythonCopiesShareOneContext runs an application and a library under
// separate roots, each with its own _telemetry_utils.py, in either order of
// first use: with telemetry off the program sees what the plain one does,
// and with file export the library's spans nest in the application's
// (same trace, parent the application's span), through one exporter.
func TestPythonCopiesShareOneContext(t *testing.T) {
	py := tool(t, "python3")
	dir := t.TempDir()
	for _, variant := range []struct{ root, pkg, mod, src string }{
		{"app_root", "app", "main.py", pyShareApp}, {"lib_root", "lib", "work.py", pyShareLib},
		{"plain_app_root", "app", "main.py", plainPython(pyShareApp)}, {"plain_lib_root", "lib", "work.py", plainPython(pyShareLib)},
	} {
		pkg := filepath.Join(variant.root, variant.pkg)
		mkdir(t, filepath.Join(dir, pkg))
		write(t, dir, filepath.Join(pkg, "__init__.py"), "")
		write(t, dir, filepath.Join(pkg, variant.mod), variant.src)
		if !strings.HasPrefix(variant.root, "plain") {
			write(t, dir, filepath.Join(pkg, "_telemetry_utils.py"), string(Python()))
		}
	}
	write(t, dir, "main.py", pyShareMain)
	path := func(prefix string) string {
		return "PYTHONPATH=" + filepath.Join(dir, prefix+"app_root") + string(filepath.ListSeparator) + filepath.Join(dir, prefix+"lib_root")
	}
	for _, order := range []string{"app-first", "lib-first"} {
		plain := run(t, dir, cleanEnv(path("plain_")), py, "main.py", order)
		off := run(t, dir, cleanEnv(path("")), py, "main.py", order)
		file := filepath.Join(t.TempDir(), "spans.jsonl")
		on := run(t, dir, cleanEnv(path(""), "TELEMETRY_INJECT_FILE="+file, "TELEMETRY_INJECT_DEBUG=1"), py, "main.py", order)
		want := strings.Replace(plain.out, "[]", "['app._telemetry_utils', 'lib._telemetry_utils']", 1)
		if off.code != 0 || off.out != want {
			t.Errorf("%s, telemetry off: exit %d\n%s\nwant\n%s", order, off.code, off.out, want)
		}
		// One exporter: one line of counts at exit, for all 9 spans.
		if on.code != 0 || !strings.HasPrefix(on.out, want) || strings.Count(on.out, "telemetry-inject: exported=9 dropped=0") != 1 {
			t.Errorf("%s, file export: exit %d\n%s\nwant\n%s", order, on.code, on.out, want)
		}
		sharedTrees(t, decode(t, [][]byte{fileSpans(t, file)}), "app.main.run", "lib.work.step", "lib.work.leaf")
	}
}

const jsShareApp = `/*@ti{*/import * as __ti from "./_telemetry_utils.js";/*}@ti*/
import { step } from "lib";

export async function run(n) {
  /*@ti{*/return await __ti.run("app.run", "main.js", 4, {n: n}, async () => {/*}@ti*/
  let total = 0;
  for (let i = 0; i < n; i++) {
    await null;
    total += step(i);
  }
  return total;
  /*@ti{*/});/*}@ti*/
}

export function twice(i) {
  /*@ti{*/const __ti_s = __ti.enter("app.twice", "main.js", 15, {i: i}); try {/*}@ti*/
  return step(i) + step(i + 1);
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

const first = process.argv[2] === "lib-first";
if (first) console.log(step(10));
const symbols = Object.getOwnPropertySymbols(globalThis).length;
const names = Object.getOwnPropertyNames(globalThis).join(",");
console.log(await run(3), twice(5));
if (!first) console.log(step(10));
console.log("globals unchanged", Object.getOwnPropertySymbols(globalThis).length === symbols && Object.getOwnPropertyNames(globalThis).join(",") === names);
`

const jsShareLib = `/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/

function step(i) {
  /*@ti{*/const __ti_s = __ti.enter("lib.step", "index.js", 3, {i: i}); try {/*}@ti*/
  /*@ti{*/__ti.mark("lib.step.begin", "index.js", 4);/*}@ti*/
  return leaf(i) + 1;
  /*@ti{*/} catch (e) { __ti.fail(__ti_s, e); throw e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

function leaf(i) {
  /*@ti{*/const __ti_s = __ti.enter("lib.leaf", "index.js", 10, {i: i}); try {/*}@ti*/
  return i * 2;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

module.exports = { step };
`

// jsShareProject writes the application with the library in its
// node_modules, instrumented or (plain) as it was before.
func jsShareProject(t *testing.T, plain bool) string {
	t.Helper()
	dir := t.TempDir()
	lib := filepath.Join(dir, "node_modules", "lib")
	mkdir(t, lib)
	app, libSrc := jsShareApp, jsShareLib
	if plain {
		app, libSrc = plainJS(app), plainJS(libSrc)
	}
	write(t, dir, "package.json", `{"name": "app", "private": true, "type": "module"}`)
	write(t, dir, "main.js", app)
	write(t, lib, "package.json", `{"name": "lib", "version": "1.0.0", "main": "index.js"}`)
	write(t, lib, "index.js", libSrc)
	if !plain {
		_, esm := JavaScript(source.ModuleESM)
		write(t, dir, "_telemetry_utils.js", string(esm))
		_, cjs := JavaScript(source.ModuleCommonJS)
		write(t, lib, "_telemetry_utils.js", string(cjs))
	}
	return dir
}

// TestJSCopiesShareOneContext runs an ES module application importing a
// CommonJS library from node_modules, each with its own runtime copy, in
// either order of first use: with telemetry off the output is the plain
// program's and the global object gains nothing, and with file export the
// library's spans nest in the application's through one exporter.
func TestJSCopiesShareOneContext(t *testing.T) {
	node := tool(t, "node")
	inst, plainDir := jsShareProject(t, false), jsShareProject(t, true)
	for _, order := range []string{"app-first", "lib-first"} {
		plain := run(t, plainDir, cleanEnv(), node, "main.js", order)
		if !strings.Contains(plain.out, "globals unchanged true") {
			t.Fatalf("plain program: %s", plain.out)
		}
		sameBehaviour(t, plain, run(t, inst, cleanEnv(), node, "main.js", order), slack)
		file := filepath.Join(t.TempDir(), "spans.jsonl")
		on := run(t, inst, cleanEnv("TELEMETRY_INJECT_FILE="+file, "TELEMETRY_INJECT_DEBUG=1"), node, "main.js", order)
		// One exporter: one line of counts at exit, for all 14 spans.
		if on.code != 0 || !strings.HasPrefix(on.out, plain.out) || strings.Count(on.out, "telemetry-inject: exported=14 ") != 1 {
			t.Errorf("%s, file export: exit %d\n%s\nwant\n%s", order, on.code, on.out, plain.out)
		}
		spans := decode(t, [][]byte{fileSpans(t, file)})
		checkTree(t, spans, map[string][]string{"app.run": {""}, "app.twice": {""}, "lib.step": {"", "app.run", "app.twice"}, "lib.leaf": {"lib.step"}})
		checkJSShare(t, order, spans)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// otelShareSetup registers the OpenTelemetry SDK before the program runs,
// as a service would, and writes the finished spans to $SPANS_OUT at exit.
const otelShareSetup = `const fs = require("fs");
const api = require("@opentelemetry/api");
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require("@opentelemetry/sdk-trace-base");
const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks");
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
provider.register();
process.on("exit", () => {
  fs.writeFileSync(process.env.SPANS_OUT, JSON.stringify(exporter.getFinishedSpans().map((s) => ({
    Name: s.name, TraceID: s.spanContext().traceId, SpanID: s.spanContext().spanId, ParentID: s.parentSpanId || "",
  }))));
});
`

// TestJSCopiesShareTheProgramsOpenTelemetry: with the program's
// OpenTelemetry SDK registered, the library's spans nest in the
// application's whether the application's span is current through run()
// or through enter(), which only this runtime's context knows.
func TestJSCopiesShareTheProgramsOpenTelemetry(t *testing.T) {
	node := tool(t, "node")
	mods := npmInstall(t, otelPackages...)
	dir := jsShareProject(t, false)
	if err := os.Symlink(filepath.Join(mods, "node_modules", "@opentelemetry"), filepath.Join(dir, "node_modules", "@opentelemetry")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "setup.cjs", otelShareSetup)
	for _, order := range []string{"app-first", "lib-first"} {
		out := filepath.Join(t.TempDir(), "spans.json")
		got := run(t, dir, cleanEnv("SPANS_OUT="+out), node, "--require", "./setup.cjs", "main.js", order)
		if got.code != 0 || !strings.Contains(got.out, "globals unchanged true") {
			t.Fatalf("%s: exit %d\n%s", order, got.code, got.out)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var spans []span
		if err := json.Unmarshal(b, &spans); err != nil {
			t.Fatal(err)
		}
		checkJSShare(t, order, spans)
	}
}

// checkJSShare checks the spans of one run of the JavaScript application:
// the library's steps nest in the application's run() and enter() spans,
// in their traces, and the step called on its own is a root.
func checkJSShare(t *testing.T, order string, spans []span) {
	t.Helper()
	byID := map[string]span{}
	for _, s := range spans {
		byID[s.SpanID] = s
	}
	count := map[string]int{}
	for _, s := range spans {
		p := byID[s.ParentID]
		if s.ParentID != "" && p.TraceID != s.TraceID {
			t.Errorf("%s: span %s is not in its parent's trace", order, s.Name)
		}
		count[s.Name+" in "+p.Name]++
	}
	want := map[string]int{"app.run in ": 1, "app.twice in ": 1, "lib.step in app.run": 3, "lib.step in app.twice": 2, "lib.step in ": 1, "lib.leaf in lib.step": 6}
	if len(count) != len(want) {
		t.Errorf("%s: spans by parent %v, want %v", order, count, want)
		return
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: spans by parent %v, want %v", order, count, want)
			return
		}
	}
}

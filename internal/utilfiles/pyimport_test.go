package utilfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// importProject writes a package "inst" whose module imports the runtime
// as rendered, and its plain twin "plain", both with one function.
func importProject(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, pkg := range []string{"inst", "plain"} {
		if err := os.Mkdir(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, dir, pkg+"/__init__.py", "")
	}
	write(t, dir, "inst/_telemetry_utils.py", string(Python()))
	src := "\"\"\"A module.\"\"\"\nfrom ._telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject\n\n\n" +
		"def f(a):\n    with __ti_span__(\"inst.mod.f\", \"inst/mod.py\", 4, (\"a\", a), True):  # @telemetry-inject\n        return a + 1\n"
	write(t, dir, "inst/mod.py", src)
	write(t, dir, "plain/mod.py", plainPython(src))
	return dir
}

// TestPythonImportAddsNoModule checks issue 9's footprint rule with the real
// interpreter: importing an instrumented module adds to sys.modules only the
// runtime itself, and so does its first call while telemetry is off.
func TestPythonImportAddsNoModule(t *testing.T) {
	py := tool(t, "python3")
	dir := importProject(t)
	script := `import sys
def new(before):
    return sorted(m for m in sys.modules if m not in before)
b = set(sys.modules)
import plain.mod
print("plain", new(b))
b = set(sys.modules)
import inst.mod
print("inst", new(b))
b = set(sys.modules)
print(inst.mod.f(1), plain.mod.f(1))
print("call", new(b))
`
	for _, flags := range [][]string{nil, {"-S"}} {
		got := run(t, dir, cleanEnv(), py, append(flags, "-c", script)...)
		want := "stdout:\nplain ['plain', 'plain.mod']\ninst ['inst', 'inst._telemetry_utils', 'inst.mod']\n2 2\ncall []\nstderr:\n"
		if got.code != 0 || got.out != want {
			t.Errorf("python3 %v: exit %d\n%s\nwant:\n%s", flags, got.code, got.out, want)
		}
	}
}

// importCost returns the times, in fresh interpreters, of importing the
// instrumented and the plain module (bytecode cached, as after the first
// run), measured alternately so that both see the same machine load.
func importCost(t testing.TB, rounds int) (inst, plain []time.Duration) {
	t.Helper()
	py := tool(t, "python3")
	dir := importProject(t)
	// Bytecode is cached, as it is for a user after the first run.
	var env []string
	for _, kv := range cleanEnv() {
		if !strings.HasPrefix(kv, "PYTHONDONTWRITEBYTECODE=") {
			env = append(env, kv)
		}
	}
	measure := func(mod string) time.Duration {
		got := run(t, dir, env, py, "-c", "import time\nt = time.perf_counter_ns()\nimport "+mod+"\nprint(time.perf_counter_ns() - t)")
		ns, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(strings.TrimPrefix(got.out, "stdout:\n"), "\n", 2)[0]), 10, 64)
		if got.code != 0 || err != nil {
			t.Fatalf("import %s: exit %d\n%s", mod, got.code, got.out)
		}
		return time.Duration(ns)
	}
	measure("inst.mod") // writes the bytecode caches
	measure("plain.mod")
	var a, b []time.Duration
	for i := 0; i < rounds; i++ {
		a = append(a, measure("inst.mod"))
		b = append(b, measure("plain.mod"))
	}
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	return a, b
}

// TestPythonImportCost holds the runtime's import to issue 9's budget: at
// most 2 ms more than the plain module's import. The fastest of several
// runs is compared: on a shared machine the others measure its load.
func TestPythonImportCost(t *testing.T) {
	inst, plain := importCost(t, 15)
	t.Logf("import: instrumented %v, plain %v (fastest of 15); medians %v, %v", inst[0], plain[0], inst[7], plain[7])
	if inst[0]-plain[0] > 2*time.Millisecond {
		t.Errorf("importing the instrumented module costs %v more than the plain one (budget 2ms)", inst[0]-plain[0])
	}
}

// BenchmarkPythonImport reports the import cost of the runtime (b.N is not
// used: each round is a fresh interpreter), fastest and median.
func BenchmarkPythonImport(b *testing.B) {
	inst, plain := importCost(b, 30)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(inst[0].Microseconds()), "inst-min-us")
	b.ReportMetric(float64(plain[0].Microseconds()), "plain-min-us")
	b.ReportMetric(float64(inst[15].Microseconds()), "inst-median-us")
	b.ReportMetric(float64(plain[15].Microseconds()), "plain-median-us")
	b.ReportMetric(float64(inst[0])/float64(plain[0]), "ratio-min")
}

// stdlibCopies are standard-library modules instrumented as the program's
// own copies: the runtime needs versions of several (random, json,
// threading), and must never import them while the program imports its own.
var stdlibCopies = []string{"random", "bisect", "string", "threading", "json/__init__", "json/decoder", "json/encoder", "json/scanner"}

// TestPythonInstrumentedStdlibCopiesImport instruments copies of stdlib
// modules with testdata/py/instrument.py, puts them ahead of the stdlib,
// and runs a program using them with telemetry off, to a file and to a
// collector: the output must be the plain copies' output, and the copies'
// spans must be exported.
func TestPythonInstrumentedStdlibCopiesImport(t *testing.T) {
	py := tool(t, "python3")
	stdlib := run(t, ".", cleanEnv(), py, "-S", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])")
	lib := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(stdlib.out, "stdout:\n"), "\n", 2)[0])
	inst, plain := t.TempDir(), t.TempDir()
	prog := `import bisect, json, random, string, threading
print([m.__file__.startswith(__import__("os").getcwd()) for m in (bisect, json, random, string, threading)])
r = random.Random(5)
print(r.random(), random.Random(7).choice("abc"), bisect.bisect([1, 2, 3], 2), json.dumps({"a": [1, 2.5, None]}), json.loads("[1, 2]"), string.capwords("a b"))
t = threading.Thread(target=lambda: print("thread", r.randint(1, 9)))
t.start(); t.join()
`
	for _, d := range []string{inst, plain} {
		if err := os.Mkdir(filepath.Join(d, "json"), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, d, "prog.py", prog)
	}
	instrumenter, err := filepath.Abs("testdata/py/instrument.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range stdlibCopies {
		src := filepath.Join(lib, m+".py")
		name := strings.TrimSuffix(strings.ReplaceAll(m, "/", "."), ".__init__")
		if got := run(t, ".", cleanEnv(), py, instrumenter, src, filepath.Join(inst, m+".py"), name); got.code != 0 {
			t.Fatalf("instrumenting %s: %s", m, got.out)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		write(t, plain, m+".py", string(b))
	}
	write(t, inst, "_telemetry_utils.py", string(Python()))
	// -S: this machine's site-packages .pth files import random and
	// threading at startup, which would hide the copies.
	want := run(t, plain, cleanEnv(), py, "-S", "-W", "error", "prog.py")
	if want.code != 0 || !strings.Contains(want.out, "[True, True, True, True, True]") {
		t.Fatalf("plain copies: exit %d\n%s", want.code, want.out)
	}
	spans := filepath.Join(t.TempDir(), "spans.jsonl")
	c := newCollector(t, 200, 0)
	for name, env := range map[string][]string{"off": nil, "file": {"TELEMETRY_INJECT_FILE=" + spans}, "otlp": {"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.URL}} {
		got := run(t, inst, cleanEnv(env...), py, "-S", "-W", "error", "prog.py")
		if got.out != want.out || got.code != 0 {
			t.Errorf("%s: instrumented copies behaved differently:\n%s\nwant:\n%s", name, got.out, want.out)
		}
	}
	data, err := os.ReadFile(spans)
	if err != nil || !bytes.Contains(data, []byte(`"name":"random.Random.seed"`)) || !bytes.Contains(data, []byte(`"name":"string.capwords"`)) {
		t.Errorf("the copies' spans were not written (%v):\n%.1000s", err, data)
	}
	bodies, _, _ := c.received()
	got := decode(t, bodies)
	if len(got) == 0 {
		t.Fatal("the collector got no spans")
	}
	if names, lines := len(spanName.FindAll(data, -1)), bytes.Count(data, []byte("\n")); names != lines {
		t.Fatalf("%d of the file's %d lines name a span", names, lines)
	}
	if diff := spanNameDiff(got, data); len(diff) > 0 {
		t.Errorf("the collector and the file got different spans (by name, collector minus file): %v", diff)
	}
}

// spanName finds a span's name in a line of the file exporter's output.
var spanName = regexp.MustCompile(`"name":"([^"]*)","kind"`)

// spanNameDiff counts spans by name, those the collector got less those
// in the file's lines (the same program, run twice), and returns the names
// whose counts differ. The threading copy's are left out: how often
// Thread.start and join wait on a Condition depends on when the new thread
// runs, so their spans vary between runs on a loaded machine (CI once saw
// 82 against 78).
func spanNameDiff(got []span, file []byte) map[string]int {
	diff := map[string]int{}
	for _, s := range got {
		diff[s.Name]++
	}
	for _, m := range spanName.FindAllSubmatch(file, -1) {
		diff[string(m[1])]--
	}
	for k, v := range diff {
		if v == 0 || strings.HasPrefix(k, "threading.") {
			delete(diff, k)
		}
	}
	return diff
}

// TestPythonRuntimeRunsPreviousVersionCode: a module instrumented before the
// runtime names became dunders, and left out of every run since, imports
// _ti_span and the rest from the current runtime beside it, and its spans
// and events are still recorded.
func TestPythonRuntimeRunsPreviousVersionCode(t *testing.T) {
	py := tool(t, "python3")
	dir := t.TempDir()
	write(t, dir, "_telemetry_utils.py", string(Python()))
	write(t, dir, "old.py", "from _telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_val, _ti_mark  # @telemetry-inject\n\n\n"+
		"def f(a):\n    with _ti_span(\"old.f\", \"old.py\", 1, (\"a\", a), True):  # @telemetry-inject\n"+
		"        _ti_loop(\"old.f.loop0\", \"old.py\", 2)  # @telemetry-inject\n"+
		"        for i in range(a): _ti_tick(\"old.f.loop0\"); pass\n"+
		"        _ti_mark(\"old.f.m\", \"old.py\", 3)  # @telemetry-inject\n"+
		"        _ti_var(\"old.f.v\", a, \"old.py\", 4)  # @telemetry-inject\n"+
		"        _ti_val(\"old.f.w\", a, \"old.py\", 5)  # @telemetry-inject\n"+
		"        return a + 1\n\n\nprint(f(3))\n")
	out := filepath.Join(dir, "spans.jsonl")
	got := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), py, "old.py")
	if got.code != 0 || got.out != "stdout:\n4\nstderr:\n" {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	spans := string(fileSpans(t, out))
	for _, want := range []string{`"old.f"`, `"old.f.loop0"`, `"old.f.loop0.iterations"`, `"old.f.m"`, `"old.f.v"`, `"old.f.w"`} {
		if !strings.Contains(spans, want) {
			t.Errorf("span file lacks %s:\n%s", want, spans)
		}
	}
}

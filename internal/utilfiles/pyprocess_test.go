package utilfiles

import (
	"path/filepath"
	"sort"
	"testing"
)

// TestPythonWorkersFlushTheirSpans runs a real multiprocessing.Pool of 50
// tasks with each start method, then a child that leaves with os._exit:
// every task span must be exported, to a file and to a collector.
func TestPythonWorkersFlushTheirSpans(t *testing.T) {
	py := tool(t, "python3")
	for _, method := range []string{"fork", "spawn", "forkserver"} {
		for _, dest := range []string{"file", "otlp"} {
			t.Run(method+"/"+dest, func(t *testing.T) {
				p := pythonProject(t, "pool.py")
				var env []string
				var spans func() []span
				if dest == "file" {
					out := filepath.Join(t.TempDir(), "spans.jsonl")
					env = []string{"TELEMETRY_INJECT_FILE=" + out}
					spans = func() []span { return decode(t, [][]byte{fileSpans(t, out)}) }
				} else {
					c := newCollector(t, 200, 0)
					env = []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.URL}
					spans = func() []span {
						bodies, _, _ := c.received()
						return decode(t, bodies)
					}
				}
				got := run(t, p.dir, cleanEnv(env...), py, "-W", "error", p.prog, method)
				if got.code != 0 || got.out != "stdout:\n40425\nchild mode False\nstderr:\n" {
					t.Fatalf("exit %d\n%s", got.code, got.out)
				}
				var tasks []int
				names := map[string]int{}
				for _, s := range spans() {
					names[s.Name]++
					if s.Name == "task" {
						i, _ := s.Attrs["i"].(int64)
						tasks = append(tasks, int(i))
					}
				}
				sort.Ints(tasks)
				want := make([]int, 0, 51)
				for i := 0; i < 50; i++ {
					want = append(want, i)
				}
				want = append(want, 100)
				if len(tasks) != len(want) || names["main"] != 1 || names["forked"] != 1 {
					t.Fatalf("task spans exported: %d of %d (%v); spans by name %v", len(tasks), len(want), tasks, names)
				}
				for i := range want {
					if tasks[i] != want[i] {
						t.Fatalf("task spans: %v", tasks)
					}
				}
			})
		}
	}
}

// TestPythonSubinterpretersEndClean runs an instrumented function in 30
// subinterpreters one after another (CPython's test_threading does so, as
// mod_wsgi does), each exporting to a file: each subinterpreter starts
// its own exporter thread, and one still there when the subinterpreter
// ends aborts the whole process ("Py_EndInterpreter: not the last
// thread"). Skipped where the interpreter has no _testcapi.
func TestPythonSubinterpretersEndClean(t *testing.T) {
	py := tool(t, "python3")
	if got := run(t, t.TempDir(), cleanEnv(), py, "-c", "import _testcapi; _testcapi.run_in_subinterp"); got.code != 0 {
		t.Skipf("no _testcapi.run_in_subinterp in %s:\n%s", py, got.out)
	}
	dir := t.TempDir()
	write(t, dir, "_telemetry_utils.py", string(Python()))
	write(t, dir, "work.py", "from _telemetry_utils import __ti_span__  # @telemetry-inject\n\n\n"+
		"def double(x):\n    with __ti_span__(\"work.double\", \"work.py\", 4, (\"x\", x), True):  # @telemetry-inject\n        return 2 * x\n")
	write(t, dir, "main.py", "import os, _testcapi\n"+
		"code = 'import sys; sys.path.insert(0, %r); import work; work.double(3)' % os.getcwd()\n"+
		"print([_testcapi.run_in_subinterp(code) for _ in range(30)].count(0), 'ended')\n")
	out := filepath.Join(dir, "spans.jsonl")
	got := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), py, "main.py")
	if got.code != 0 || got.out != "stdout:\n30 ended\nstderr:\n" {
		t.Fatalf("exit %d\n%s", got.code, got.out)
	}
	n := 0
	for _, s := range decode(t, [][]byte{fileSpans(t, out)}) {
		if s.Name == "work.double" {
			n++
		}
	}
	if n != 30 {
		t.Errorf("%d work.double spans exported, want 30", n)
	}
}

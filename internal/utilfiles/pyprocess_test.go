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

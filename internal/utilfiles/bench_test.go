package utilfiles

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// overhead is what a benchmark script prints: ns per call of the plain and
// the instrumented empty function, in the caller (wall) and in the whole
// process (cpu, which includes the export work).
type overhead struct {
	PlainWall float64 `json:"plain_wall"`
	PlainCPU  float64 `json:"plain_cpu"`
	InstWall  float64 `json:"inst_wall"`
	InstCPU   float64 `json:"inst_cpu"`
	// The caller thread's CPU time (Python only): what the program's own
	// thread pays, unaffected by other processes on a shared machine.
	PlainThread float64 `json:"plain_thread"`
	InstThread  float64 `json:"inst_thread"`
	Dropped     int     `json:"dropped"`
}

// benchMode is one destination the benchmarks measure.
type benchMode struct {
	name        string
	rounds, per int
	goalNs      float64 // 0: no goal set
}

// BenchmarkPythonOverhead runs testdata/py/bench.py once per mode (b.N is
// not used: the script does its own loop) and reports the instrumented
// function's extra cost per call against the plain one, and its ratio to
// the goal (≤ 1 µs off, ≤ 10 µs with file export).
func BenchmarkPythonOverhead(b *testing.B) {
	py := tool(b, "python3")
	modes := []benchMode{{"off", 20, 50000, 1000}, {"file", 100, 1000, 10000}, {"otlp", 100, 1000, 0}}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			p := pythonProject(b, "bench.py")
			env, count := benchEnv(b, m.name)
			o := runBench(b, p.dir, env, py, p.prog, m)
			if o.Dropped != 0 {
				b.Fatalf("%d spans dropped: the measurement would flatter the runtime", o.Dropped)
			}
			checkCount(b, count, m, 1+m.per+m.rounds*m.per)
			report(b, o, m)
		})
	}
}

// BenchmarkNodeOverhead is BenchmarkPythonOverhead for Node (goal: ≤ 0.2 µs
// per call off).
func BenchmarkNodeOverhead(b *testing.B) {
	node := tool(b, "node")
	modes := []benchMode{{"off", 20, 1000000, 200}, {"file", 40, 256, 0}, {"otlp", 40, 256, 0}}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			p := jsProject(b, "bench.js", source.ModuleCommonJS)
			env, count := benchEnv(b, m.name)
			o := runBench(b, p.dir, env, node, p.prog, m)
			checkCount(b, count, m, 2*m.rounds*m.per)
			report(b, o, m)
		})
	}
}

// benchEnv returns the environment for a mode and a function counting the
// spans that reached the destination.
func benchEnv(b *testing.B, mode string) ([]string, func() int) {
	switch mode {
	case "file":
		out := filepath.Join(b.TempDir(), "spans.jsonl")
		return cleanEnv("TELEMETRY_INJECT_FILE=" + out), func() int {
			data, err := os.ReadFile(out)
			if err != nil {
				b.Fatal(err)
			}
			return bytes.Count(data, []byte("\n"))
		}
	case "otlp":
		c := newCollector(b, 200, 0)
		return cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT=" + c.URL), func() int {
			bodies, _, _ := c.received()
			n := 0
			for _, body := range bodies {
				n += bytes.Count(body, []byte(`"spanId"`))
			}
			return n
		}
	}
	return cleanEnv(), nil
}

func runBench(b *testing.B, dir string, env []string, name, script string, m benchMode) overhead {
	b.Helper()
	got := run(b, dir, env, name, script, strconv.Itoa(m.rounds), strconv.Itoa(m.per))
	var o overhead
	line := strings.SplitN(strings.TrimPrefix(got.out, "stdout:\n"), "\n", 2)[0]
	if got.code != 0 || json.Unmarshal([]byte(line), &o) != nil {
		b.Fatalf("benchmark script: exit %d\n%s", got.code, got.out)
	}
	return o
}

func checkCount(b *testing.B, count func() int, m benchMode, want int) {
	b.Helper()
	if count == nil {
		return
	}
	if got := count(); got != want {
		b.Fatalf("%s: %d spans exported, want %d", m.name, got, want)
	}
}

func report(b *testing.B, o overhead, m benchMode) {
	over := o.InstWall - o.PlainWall
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(o.PlainWall, "plain-ns/call")
	b.ReportMetric(o.InstWall, "inst-ns/call")
	b.ReportMetric(over, "overhead-ns/call")
	b.ReportMetric(o.InstCPU-o.PlainCPU, "overhead-cpu-ns/call")
	if o.InstThread > 0 {
		b.ReportMetric(o.InstThread-o.PlainThread, "overhead-caller-cpu-ns/call")
	}
	if m.goalNs > 0 {
		b.ReportMetric(over/m.goalNs, "of-goal")
	}
}

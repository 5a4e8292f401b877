package utilfiles

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestExportRetriesOnlyWhatCanSucceed checks, for both runtimes, that a
// 429/502/503/504 answer is retried and any other error is not.
func TestExportRetriesOnlyWhatCanSucceed(t *testing.T) {
	type lang struct {
		name   string
		setup  func(t *testing.T) (project, string)
		firsts []int // the first answers tried; each runtime gets half
	}
	langs := []lang{
		{"python", func(t *testing.T) (project, string) { return pythonProject(t, "retry.py"), tool(t, "python3") }, []int{429, 503, 400}},
		{"node", func(t *testing.T) (project, string) {
			return jsProject(t, "retry.js", source.ModuleCommonJS), tool(t, "node")
		}, []int{502, 504, 500}},
	}
	for _, l := range langs {
		for _, first := range l.firsts {
			t.Run(l.name+"/"+strconv.Itoa(first), func(t *testing.T) {
				t.Parallel()
				p, bin := l.setup(t)
				c := newScriptedCollector(t, 0, first, 200)
				// A schedule delay shorter than the program's 4 s, so that the
				// first export and its retry happen before the exit flush.
				got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL, "OTEL_BSP_SCHEDULE_DELAY=1000"), bin, p.prog)
				if got.code != 0 || got.took > 20*time.Second {
					t.Fatalf("exit %d after %v\n%s", got.code, got.took, got.out)
				}
				bodies, _, _ := c.received()
				want := 1
				if first == 429 || first >= 502 {
					want = 2
				}
				if len(bodies) != want {
					t.Fatalf("%d requests after a %d, want %d", len(bodies), first, want)
				}
				if spans := decode(t, bodies[len(bodies)-1:]); len(spans) != 1 || spans[0].Name != "step" {
					t.Errorf("spans: %+v", spans)
				}
			})
		}
	}
}

// TestDroppedSpansAreCounted checks that a collector that is down costs
// the spans, counted, and nothing else.
func TestDroppedSpansAreCounted(t *testing.T) {
	for _, tc := range []struct{ name, bin, prog string }{{"python", "python3", "prog.py"}, {"node", "node", "prog.js"}} {
		t.Run(tc.name, func(t *testing.T) {
			bin := tool(t, tc.bin)
			var p project
			if tc.name == "python" {
				p = pythonProject(t, tc.prog)
			} else {
				p = jsProject(t, tc.prog, source.ModuleCommonJS)
			}
			got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+deadEndpoint(t), "TELEMETRY_INJECT_DEBUG=1"), bin, p.prog)
			if !strings.Contains(got.out, "telemetry-inject: exported=0 dropped=") || strings.Contains(got.out, "dropped=0 ") {
				t.Errorf("no drop count in the debug line:\n%s", got.out)
			}
		})
	}
}

// TestRelativeSpanFileSurvivesChdir checks that TELEMETRY_INJECT_FILE is
// resolved against the directory the program started in.
func TestRelativeSpanFileSurvivesChdir(t *testing.T) {
	for _, tc := range []struct{ name, bin, file, src string }{
		{"python", "python3", "cd.py", "import os\nfrom _telemetry_utils import __ti_span__  # @telemetry-inject\n\n\ndef f():\n    with __ti_span__(\"f\", \"cd.py\", 5, (), True):  # @telemetry-inject\n        os.chdir(\"sub\")\n\n\nf()\n"},
		{"node", "node", "cd.js", "/*@ti{*/const __ti = require(\"./_telemetry_utils.js\");/*}@ti*/\nfunction f() {\n  /*@ti{*/const __ti_s = __ti.enter(\"f\", \"cd.js\", 2, {}); try {/*}@ti*/\n  process.chdir(\"sub\");\n  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/\n}\nf();\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := tool(t, tc.bin)
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, dir, tc.file, tc.src)
			write(t, dir, "_telemetry_utils.py", string(Python()))
			_, js := JavaScript(source.ModuleCommonJS)
			write(t, dir, "_telemetry_utils.js", string(js))
			if got := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE=spans.jsonl"), bin, tc.file); got.code != 0 {
				t.Fatalf("exit %d\n%s", got.code, got.out)
			}
			spans := decode(t, [][]byte{fileSpans(t, filepath.Join(dir, "spans.jsonl"))})
			if len(spans) != 1 || spans[0].Name != "f" {
				t.Errorf("spans: %+v", spans)
			}
		})
	}
}

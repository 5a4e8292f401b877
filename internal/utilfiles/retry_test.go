package utilfiles

import (
	"strconv"
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
				got := run(t, p.dir, cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT="+c.URL), bin, p.prog)
				if got.code != 0 || got.took > 6*time.Second {
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

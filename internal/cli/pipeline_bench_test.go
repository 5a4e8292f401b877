package cli

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/python"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// stdlibCorpus reads the Python standard library in place (nothing is
// written there: the benchmark is a dry run).
func stdlibCorpus(b *testing.B) (string, []source.File, int64) {
	out, err := exec.Command("python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
	if err != nil {
		b.Skipf("python3 not available: %v", err)
	}
	root := strings.TrimSpace(string(out))
	res, err := scan.Walk(context.Background(), root, scan.Options{Languages: scanLanguages()})
	if err != nil {
		b.Fatal(err)
	}
	var files []source.File
	var size int64
	for _, f := range res.Files {
		if f.Lang == source.Python {
			files = append(files, f)
			size += int64(len(f.Src))
		}
	}
	return root, files, size
}

// BenchmarkOfflinePipeline runs the whole offline pipeline (strip, parse,
// find, built-in planner, render, apply, validate, the removal proof, diff)
// over the Python standard library as a dry run, and in the same run a bare
// tree-sitter parse of the same files on one core. It reports both
// throughputs and their ratio (the goal is a ratio of at least 0.5).
// "compile" validates every output with CPython's compiler as real runs do;
// "layout" with the tree-sitter parse and our layout check alone.
//
// The bare parse runs before and after every pipeline run, and the ratio
// is that of the mean times: on a machine shared with other work, a load
// that rises or falls during the run then weighs on both sides alike
// instead of on whichever ran in the busier half. Where the process's CPU
// time can be read, cpu-per-parse is the pipeline's CPU time (this
// process's threads: with validate=compile, python3's compiling is not in
// it) per bare parse's: the work the pipeline does for each parse's worth,
// which the machine's load does not change as it changes the ratio (a
// loaded machine gives the pipeline's workers less than a core each).
func BenchmarkOfflinePipeline(b *testing.B) {
	root, files, size := stdlibCorpus(b)
	for _, mode := range []string{"layout", "compile"} {
		b.Run("validate="+mode, func(b *testing.B) {
			py := python.New(python.Options{NoCompile: mode == "layout"})
			defer py.Close()
			langs := map[source.Language]*lang.Language{source.Python: &py}
			parser := treesitter.NewParser(treesitter.Python, 1)
			defer parser.Close()
			var pipe, parse, pipeCPU, parseCPU time.Duration
			_, cpuKnown := processCPU()
			bare := func() time.Duration {
				cpu, _ := processCPU()
				start := time.Now()
				for _, f := range files {
					tree, err := parser.Parse(context.Background(), f.Src)
					if err != nil {
						b.Fatal(err)
					}
					tree.Close()
				}
				took := time.Since(start)
				end, _ := processCPU()
				parseCPU += end - cpu
				return took
			}
			var instrumented int
			b.SetBytes(size)
			b.ResetTimer()
			parse += bare()
			for i := 0; i < b.N; i++ {
				cpu, _ := processCPU()
				start := time.Now()
				rep, err := pipeline.Run(context.Background(), pipeline.Options{
					Root: root, Files: files, Languages: langs, Decider: dispatch.Builtin{},
					DryRun: true,
				})
				if err != nil {
					b.Fatal(err)
				}
				pipe += time.Since(start)
				end, _ := processCPU()
				pipeCPU += end - cpu
				instrumented = rep.ByStatus[pipeline.StatusInstrumented]
				if f := rep.ByStatus[pipeline.StatusFailed]; f > 0 {
					b.Fatalf("%d files failed validation", f)
				}
				parse += bare()
			}
			// b.N pipeline runs against b.N+1 bare parses.
			parse = parse * time.Duration(b.N) / time.Duration(b.N+1)
			mb := float64(size) / 1e6 * float64(b.N)
			b.ReportMetric(mb/pipe.Seconds(), "pipeline-MB/s")
			b.ReportMetric(mb/parse.Seconds(), "parse-MB/s")
			b.ReportMetric(parse.Seconds()/pipe.Seconds(), "ratio")
			b.ReportMetric(float64(instrumented), "files-instrumented")
			if cpuKnown {
				b.ReportMetric(pipeCPU.Seconds()/float64(b.N)/(parseCPU.Seconds()/float64(b.N+1)), "cpu-per-parse")
			}
		})
	}
}

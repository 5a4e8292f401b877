package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/bench"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

// functionsPerFile is how the bench's generated project spreads its
// functions, about the size of an ordinary module.
const functionsPerFile = 15

// runBenchCLI runs this command line, in process and with its shipped
// defaults (detection, dispatch, validation, adaptive timeouts; cache
// off), over a generated Python project against the bench's simulated
// host, and reads its --json report.
func runBenchCLI(ctx context.Context, job bench.CLIJob) (bench.CLIResult, error) {
	dir, err := os.MkdirTemp("", "telemetry-inject-bench-")
	if err != nil {
		return bench.CLIResult{}, fmt.Errorf("bench project: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := writeBenchProject(dir, job.Functions); err != nil {
		return bench.CLIResult{}, err
	}
	env := map[string]string{
		"LLM_PROVIDER": job.Provider, "LLM_MODEL": job.Model, "LLM_BASE_URL": job.BaseURL,
		"OPENAI_API_KEY": "sk-bench-simulated", "XDG_CACHE_HOME": job.CacheHome,
	}
	args := append([]string{dir, "--no-cache", "--include", "functions", "--json"}, job.Args...)
	ios, _, out, errOut := iostreams.Test()
	start := time.Now()
	code := Main(ctx, args, ios, func(k string) string { return env[k] })
	res := bench.CLIResult{Wall: time.Since(start), Exit: code, Stderr: errOut.String()}
	var rep struct {
		Requests *dispatch.Stats `json:"requests"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Requests == nil {
		return res, fmt.Errorf("bench: reading the run's --json report (exit %d): %v\n%s", code, err, res.Stderr)
	}
	s := rep.Requests
	res.Requests, res.Retries, res.Fallbacks, res.Reasked, res.Timeouts = s.Requests, s.Retries, s.Fallbacks, s.Reasked, s.Timeouts
	res.Parallel, res.PeakInFlight, res.Bottleneck, res.Grouping = s.Parallel, s.PeakInFlight, s.Bottleneck, s.Grouping
	res.Decided = job.Functions - s.Fallbacks
	res.Engine = time.Duration(s.EngineSeconds * float64(time.Second))
	return res, nil
}

// writeBenchProject writes n small functions, functionsPerFile a file.
func writeBenchProject(dir string, n int) error {
	for f := 0; f*functionsPerFile < n; f++ {
		var b strings.Builder
		b.WriteString("\"\"\"Generated for telemetry-inject bench.\"\"\"\n")
		for i := f * functionsPerFile; i < min(n, (f+1)*functionsPerFile); i++ {
			fmt.Fprintf(&b, "\n\ndef scale_%d(items, factor):\n    total = 0\n    for x in items:\n        total += x * factor + %d\n    return total\n", i, i)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("mod%03d.py", f)), []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("bench project: %w", err)
		}
	}
	return nil
}

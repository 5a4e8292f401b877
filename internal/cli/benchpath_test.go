package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/bench"
)

// TestBenchCLIPathShort runs the short peer scenarios through the real
// command line (in process) and both peer designs, on loopback: the
// command line decides every construct, the peers run beside it, and each
// goal's Short-mode bound holds at least once in two measurements.
func TestBenchCLIPathShort(t *testing.T) {
	if testing.Short() {
		t.Skip("the short peer bench takes about 10 seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := bench.Run(ctx, &out, bench.Options{Short: true, Scenarios: []string{"p", "r"}, CLI: runBenchCLI})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Errorf("the short peer bench missed a goal twice:\n%s", out.String())
	}
	// Every measurement, a repeated one too, has the command line decide
	// every construct and both peers run beside it.
	var cliRows, peers int
	for _, r := range rep.Rows {
		switch {
		case strings.HasPrefix(r.Runner, "telemetry-inject") || strings.HasPrefix(r.Runner, "ti "):
			cliRows++
			if r.Failed != 0 || r.OK != r.N {
				t.Errorf("%s %s: %d of %d decided by the model\n%s", r.Scenario, r.Runner, r.OK, r.N, r.Note)
			}
		case strings.Contains(r.Runner, "(A)") || strings.Contains(r.Runner, "(B)"):
			peers++
		}
	}
	if cliRows < 3 || peers < 4 {
		t.Errorf("%d command-line rows and %d peer rows, want at least 3 and 4", cliRows, peers)
	}
}

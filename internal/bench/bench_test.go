package bench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestShortBenchmark runs every scenario in Short mode with loose goals, so
// the benchmark keeps working; the full run is `telemetry-inject bench`.
func TestShortBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("the short benchmark takes about 20 seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	rep, err := Run(ctx, &out, Options{Short: true})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Fatalf("short benchmark missed a goal:\n%s", out.String())
	}
	for _, s := range []string{"(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "naive", "sequential"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %s", s)
		}
	}
}

// TestFullBenchmark runs the full benchmark (a few minutes) when
// TELEMETRY_INJECT_BENCH_FULL=1, for measuring without the command line;
// TELEMETRY_INJECT_BENCH_SCENARIOS=c,e picks scenarios.
func TestFullBenchmark(t *testing.T) {
	if os.Getenv("TELEMETRY_INJECT_BENCH_FULL") != "1" {
		t.Skip("set TELEMETRY_INJECT_BENCH_FULL=1 to run the full benchmark")
	}
	var out bytes.Buffer
	var pick []string
	if v := os.Getenv("TELEMETRY_INJECT_BENCH_SCENARIOS"); v != "" {
		pick = strings.Split(v, ",")
	}
	rep, err := Run(context.Background(), &out, Options{Scenarios: pick})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass {
		t.Error("full benchmark missed a goal")
	}
}

func TestMissedScenariosAreMeasuredAgainWithWhatTheyNeed(t *testing.T) {
	rep := Report{Rows: []Row{
		{Scenario: "(a) hosted, rate-bound", Goal: "g", Pass: true},
		{Scenario: "(a) hosted, rate-bound", Runner: "naive"},
		{Scenario: "(c) ollama 4 slots, queue 8", Goal: "g"},
		{Scenario: "(s) faults 5%/2%/1%", Goal: "g"},
		{Scenario: "(s) faults 5%/2%/1%", Goal: "g"},
	}}
	if got := strings.Join(missed(rep), ","); got != "c,q,s" {
		t.Fatalf("measured again: %s, want c,q,s ((s) is judged against (q))", got)
	}
}

package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/telemetry-inject/telemetry-inject/internal/bench"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

// errBenchFailed reports that a scenario missed its goal; the table
// printed above says which.
var errBenchFailed = errors.New("a benchmark scenario missed its goal")

func newCmdBench(ios *iostreams.IOStreams) *cobra.Command {
	var opts bench.Options
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the request engine against a simulated provider on 127.0.0.1",
		Long: `bench starts a simulated provider on 127.0.0.1 that enforces limits the way
hosted APIs do (request and token buckets refilling continuously, 429 with
rate-limit headers and retry-after) or the way Ollama does (a few slots, a
bounded queue, 503 when full), drives the engine with synthetic requests and
prints, per scenario, the wall time, the theoretical bound, the efficiency
(bound / wall), 429s, 503s, retries, latency and peak in-flight, with the
sequential mode and the naive design measured beside it.

Scenarios p to s then run this command line itself, in process, with its
shipped defaults (detection, dispatch, validation, adaptive timeouts; cache
off) over a generated project, against a simulated host speaking OpenAI's
wire format in real minutes, beside two peer designs on the same host: the
OpenAI cookbook's parallel processor told the true limits (15 s pause after
a 429) and an errgroup of 16 with the SDK's retries: (p) a burst that fits
the bucket (judged by default, which waits for the first answer's headers
before it trusts the bucket, and told the limits, which sends the job at
once), (q) a token-bound job, (r) 4 slots and a queue of 4, (s) q with 5%
500s, 2% malformed answers and 1% hangs. q and s are judged with
--no-group, one request per construct, the job the goal was sized for (the
default run is printed, unjudged).

Each scenario is checked against its goal (PASS/FAIL); the exit code is 1
if any failed. --load N measures them all with N CPU-busy processes
running beside the bench.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Load < 0 {
				return flagErrorf("--load %d: give the number of CPU-busy processes to run beside the bench, 0 for none", opts.Load)
			}
			opts.CLI = runBenchCLI
			rep, err := bench.Run(cmd.Context(), ios.Out, opts)
			if err != nil {
				return err
			}
			if !rep.Pass {
				return errBenchFailed
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.N, "n", 0, "requests in the main scenarios (default 1500, 300 with --short)")
	f.StringSliceVar(&opts.Scenarios, "scenario", nil, "run only these scenarios (a-f: the engine; p-s: the command line beside peers)")
	f.BoolVar(&opts.Short, "short", false, "a quick run with compressed time and loose goals")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for the workload and the faults")
	f.IntVar(&opts.Load, "load", 0, "run `N` CPU-busy processes (yes > /dev/null) beside the bench, to measure the goals on a loaded machine")
	return cmd
}

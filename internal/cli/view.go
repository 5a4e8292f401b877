package cli

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/view"
)

// viewOptions are the view command's flags.
type viewOptions struct {
	otlpPort, port int
	open           bool
	maxSpans       int
}

func newCmdView(ios *iostreams.IOStreams) *cobra.Command {
	var o viewOptions
	cmd := &cobra.Command{
		Use:   "view [SPANS.jsonl]",
		Short: "Show the telemetry of an instrumented program in the browser",
		Long: `view starts an OTLP/HTTP receiver on 127.0.0.1 (port 4318, where OTLP
exporters send by default) and serves a page on another local port that
shows what arrives, live: recent traces as waterfalls, and per function the
calls, p50/p95/p99 durations, errors and loop iterations.

Run the instrumented program with
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
or give a file written with TELEMETRY_INJECT_FILE, which is read and then
followed as it grows. Nothing leaves the machine; memory is bounded by
--max-spans (older spans make room for new ones; the statistics keep
counting every span).`,
		Example: `  telemetry-inject view
  telemetry-inject view spans.jsonl --open`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, p := range []struct {
				name string
				v    int
			}{{"otlp-port", o.otlpPort}, {"port", o.port}} {
				if p.v < 0 || p.v > 65535 {
					return flagErrorf("--%s %d: want a port number from 0 (any free port) to 65535", p.name, p.v)
				}
			}
			if o.maxSpans < 1 {
				return flagErrorf("--max-spans %d: want at least 1, for example --max-spans 100000", o.maxSpans)
			}
			opts := view.Options{
				OTLPAddr: "127.0.0.1:" + strconv.Itoa(o.otlpPort),
				UIAddr:   "127.0.0.1:" + strconv.Itoa(o.port),
				Limits:   view.Limits{Spans: o.maxSpans},
				Ready: func(page, otlp string) {
					fmt.Fprintf(ios.ErrOut, "Receiving OTLP/HTTP on %s (set OTEL_EXPORTER_OTLP_ENDPOINT=%s)\n", otlp, otlp)
					fmt.Fprintf(ios.ErrOut, "Open %s (Ctrl-C to stop)\n", page)
					if o.open {
						openBrowser(cmd.Context(), page)
					}
				},
			}
			if len(args) == 1 {
				opts.File = args[0]
			}
			return view.Serve(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.otlpPort, "otlp-port", 4318, "port of the OTLP/HTTP receiver on 127.0.0.1")
	f.IntVar(&o.port, "port", 16686, "port of the page on 127.0.0.1 (0: any free port)")
	f.BoolVar(&o.open, "open", false, "open the page in the default browser")
	f.IntVar(&o.maxSpans, "max-spans", view.DefaultLimits().Spans, "spans kept in memory for the trace list")
	return cmd
}

// openBrowser starts the platform's URL opener; failing to find one is not
// an error, since the URL is printed anyway.
func openBrowser(ctx context.Context, url string) {
	var name string
	var args []string
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler"}
	default:
		name = "xdg-open"
	}
	cmd := exec.CommandContext(ctx, name, append(args, url)...)
	if err := cmd.Start(); err == nil {
		go func() { _ = cmd.Wait() }()
	}
}

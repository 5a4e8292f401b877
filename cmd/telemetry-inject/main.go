// Command telemetry-inject instruments Python, JavaScript and TypeScript
// code with telemetry. All the work happens in internal/cli; main only
// connects it to the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/telemetry-inject/telemetry-inject/internal/cli"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

func main() {
	// The first Ctrl-C cancels the run, which stops cleanly between files;
	// a second one kills the process the usual way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], iostreams.System(), os.Getenv))
}

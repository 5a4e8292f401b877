// Package otelcolcheck checks what instrumented programs export against a
// real OpenTelemetry Collector: the Collector's own OTLP receiver (built
// from the Go module proxy, pinned in this module's go.mod) listens on
// 127.0.0.1, decodes each OTLP/HTTP JSON request into pdata as the
// Collector's pipelines would see it, and hands it to a consumer that keeps
// it. It is a module of its own so that the Collector's dependencies stay
// out of the tool's.
package otelcolcheck

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// collector is a started OTLP receiver and what it has received.
type collector struct {
	// Endpoint is the base URL for OTEL_EXPORTER_OTLP_ENDPOINT.
	Endpoint string
	mu       sync.Mutex
	batches  []ptrace.Traces
}

// startCollector starts the Collector's OTLP receiver with only its HTTP
// protocol, on a free loopback port, and stops it when the test ends.
func startCollector(t *testing.T) *collector {
	t.Helper()
	addr := freePort(t)
	c := &collector{Endpoint: "http://" + addr}
	f := otlpreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*otlpreceiver.Config)
	http := cfg.Protocols.HTTP.GetOrInsertDefault()
	http.ServerConfig.NetAddr.Endpoint = addr
	cfg.Protocols.HTTP = configoptional.Some(*http)
	cfg.Protocols.GRPC = configoptional.None[configgrpc.ServerConfig]()
	sink, err := consumer.NewTraces(func(_ context.Context, td ptrace.Traces) error {
		// The receiver reuses nothing after the call returns, but a copy
		// keeps the check independent of that.
		cp := ptrace.NewTraces()
		td.CopyTo(cp)
		c.mu.Lock()
		c.batches = append(c.batches, cp)
		c.mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := f.CreateTraces(ctx, receivertest.NewNopSettings(f.Type()), cfg, sink)
	if err != nil {
		t.Fatalf("creating the OTLP receiver: %v", err)
	}
	if err := r.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatalf("starting the OTLP receiver on %s: %v", addr, err)
	}
	t.Cleanup(func() {
		if err := r.Shutdown(context.Background()); err != nil {
			t.Errorf("stopping the OTLP receiver: %v", err)
		}
	})
	return c
}

// take returns what was received so far and forgets it.
func (c *collector) take() []ptrace.Traces {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.batches
	c.batches = nil
	return out
}

// freePort returns a loopback address no one listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprintf("127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port)
}

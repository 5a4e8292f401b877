package view

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configure Serve.
type Options struct {
	// OTLPAddr is where the OTLP/HTTP receiver listens (127.0.0.1:4318,
	// the port OTLP exporters default to).
	OTLPAddr string
	// UIAddr is where the page is served; port 0 picks a free one.
	UIAddr string
	// File, when set, is a JSON-lines file written with
	// TELEMETRY_INJECT_FILE, read whole and then followed as it grows.
	File string
	// Limits bound memory.
	Limits Limits
	// Ready is called once both servers listen, with the page's URL and
	// the receiver's endpoint.
	Ready func(pageURL, otlpEndpoint string)
}

// followEvery is how often a followed file is checked for new lines.
const followEvery = 250 * time.Millisecond

// Serve runs the receiver and the page until ctx ends.
func Serve(ctx context.Context, opts Options) error {
	st := NewStore(opts.Limits)
	otlp, err := listenLocal(opts.OTLPAddr)
	if err != nil {
		return fmt.Errorf("OTLP receiver on %s: %w (is a collector already running? choose another port with --otlp-port)", opts.OTLPAddr, err)
	}
	defer otlp.Close()
	ui, err := listenLocal(opts.UIAddr)
	if err != nil {
		return fmt.Errorf("page on %s: %w (choose another port with --port)", opts.UIAddr, err)
	}
	defer ui.Close()

	errs := make(chan error, 3)
	servers := []*http.Server{
		{Handler: Receiver(st), ReadHeaderTimeout: 10 * time.Second},
		{Handler: Page(st), ReadHeaderTimeout: 10 * time.Second},
	}
	go func() { errs <- servers[0].Serve(otlp) }()
	go func() { errs <- servers[1].Serve(ui) }()
	if opts.File != "" {
		go func() { errs <- follow(ctx, opts.File, st) }()
	}
	if opts.Ready != nil {
		opts.Ready("http://"+ui.Addr().String()+"/", "http://"+otlp.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(shutdown)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listenLocal listens on addr, which must be a loopback address: spans
// hold what the program did, and the page has no authentication.
func listenLocal(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s is not a loopback address: the view only listens on this machine", host)
	}
	return net.Listen("tcp", addr)
}

// follow reads the JSON-lines file, then keeps reading what is appended
// (starting over when the file is truncated or replaced) until ctx ends.
func follow(ctx context.Context, path string, st *Store) error {
	service := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var offset int64
	var partial []byte
	for {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("reading spans from %s: %w", path, err)
		}
		info, err := f.Stat()
		if err == nil && info.Size() < offset {
			offset, partial = 0, nil // truncated: read it again
		}
		if _, err := f.Seek(offset, io.SeekStart); err == nil {
			r := bufio.NewReaderSize(f, 1<<20)
			var batch []Span
			for {
				line, err := r.ReadBytes('\n')
				offset += int64(len(line))
				if err != nil {
					partial = append(partial, line...)
					break
				}
				if len(partial) > 0 {
					line, partial = append(partial, line...), nil
				}
				spans, derr := fileLine(line, service)
				if derr != nil {
					continue // a line cut by a crash, or not ours
				}
				batch = append(batch, spans...)
				if len(batch) >= 4096 {
					st.Add(batch)
					batch = nil
				}
			}
			st.Add(batch)
		}
		f.Close()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followEvery):
		}
	}
}

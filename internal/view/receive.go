package view

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxBody bounds one OTLP request after decompression; the OpenTelemetry
// Collector's default is the same order.
const maxBody = 32 << 20

// Receiver is the OTLP/HTTP traces endpoint (POST /v1/traces), accepting
// protobuf and JSON bodies, plain or gzip-compressed, as the OTLP
// specification requires of a server.
func Receiver(st *Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "application/json" && ct != "application/x-protobuf" {
			http.Error(w, fmt.Sprintf("unsupported content type %q: send application/x-protobuf or application/json", ct), http.StatusUnsupportedMediaType)
			return
		}
		body, err := readBody(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// TracesData and ExportTraceServiceRequest are the same message on
		// the wire (OTLP defines them so), which spares the gRPC package
		// that ptraceotlp would bring into the binary.
		var td ptrace.Traces
		if ct == "application/json" {
			td, err = (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		} else {
			td, err = (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
		}
		if err != nil {
			http.Error(w, "cannot decode the OTLP request: "+err.Error(), http.StatusBadRequest)
			return
		}
		st.Add(fromTraces(td, "unknown_service"))
		// An empty ExportTraceServiceResponse: full success.
		w.Header().Set("Content-Type", ct)
		if ct == "application/json" {
			_, _ = w.Write([]byte("{}"))
		}
	})
	return mux
}

func readBody(r *http.Request) ([]byte, error) {
	var src io.Reader = r.Body
	switch r.Header.Get("Content-Encoding") {
	case "", "identity":
	case "gzip":
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer gz.Close()
		src = gz
	default:
		return nil, fmt.Errorf("unsupported content encoding %q: send gzip or none", r.Header.Get("Content-Encoding"))
	}
	b, err := io.ReadAll(io.LimitReader(src, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errors.New("request body over 32 MiB: lower the exporter's batch size")
	}
	return b, nil
}

// Package utilfiles holds the runtime files that instrumented programs
// import (_telemetry_utils.py, _telemetry_utils.js, _telemetry_utils.ts),
// embedded in the binary and assembled from their sources here.
//
// The runtime files read these environment variables when the instrumented
// program makes its first instrumented call:
//
//   - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or
//     OTEL_EXPORTER_OTLP_ENDPOINT (with /v1/traces appended): export spans as
//     OTLP/HTTP JSON, batched, in the background, with a bounded queue.
//   - OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES: the exported resource.
//   - OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TRACES_HEADERS: extra
//     request headers ("k=v,k2=v2", percent-decoded).
//   - OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: the
//     request timeout in milliseconds (default 10000).
//   - OTEL_SDK_DISABLED=true: no export of our own at all.
//   - TELEMETRY_INJECT_FILE: with no OTLP endpoint, append one span per line
//     to this file, as JSON in the OTLP span shape.
//   - TELEMETRY_INJECT_EXIT_TIMEOUT: how long, in milliseconds (default
//     1000), flushing at exit may delay the program's end.
//   - TELEMETRY_INJECT_DEBUG=1: print one line to stderr at exit with the
//     spans exported and dropped (by cause) and the runtime's own errors
//     (only when exporting; nothing else is ever printed).
//   - OTEL_BSP_MAX_QUEUE_SIZE (2048), OTEL_BSP_SCHEDULE_DELAY (5000 ms),
//     OTEL_BSP_MAX_EXPORT_BATCH_SIZE (512), OTEL_SPAN_EVENT_COUNT_LIMIT (128),
//     OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT (128), OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT
//     (none), OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (always_on,
//     always_off, traceidratio and their parentbased_ forms).
//   - TELEMETRY_INJECT_SPANS_PER_SECOND or TELEMETRY_INJECT_SPAN_RATE_LIMIT
//     (default 100, 0: no limit): the spans one span name may record per
//     second.
//
// The runtime copies in one process (an application's and its libraries',
// instrumented apart) share one context and one exporter: the first copy
// to need a context keeps it, and later copies hand their calls to it
// (Python finds it through sys.modules, JavaScript through a
// diagnostics_channel named telemetry-inject:context).
//
// Before any of these, a program that already uses OpenTelemetry (Python: a
// real SDK TracerProvider set on opentelemetry.trace; JavaScript: a tracer
// provider registered with @opentelemetry/api) gets our spans through its own
// tracer, nested inside its traces. With nothing configured every call costs
// next to nothing.
package utilfiles

import (
	"embed"
	"strings"
)

//go:embed src/*
var sources embed.FS

// baseName is the runtime files' name without extension.
const baseName = "_telemetry_utils"

// read returns an embedded source; the files are part of the binary, so a
// missing one is a build mistake, not a runtime condition.
func read(name string) string {
	b, err := sources.ReadFile("src/" + name)
	if err != nil {
		panic("utilfiles: embedded source missing: " + name)
	}
	return string(b)
}

// Python returns the content of _telemetry_utils.py.
func Python() []byte {
	r := strings.NewReplacer(
		"# @@ENDING@@\n", read("ending.py"),
		"# @@SHARE@@\n", read("share.py"),
		"# @@OTEL@@\n", read("otel.py"),
		"# @@CONFIG@@\n", read("config.py"),
		"# @@VALUES@@\n", read("values.py"),
		"# @@EXPORTER@@\n", read("exporter.py"),
	)
	return []byte(r.Replace(read("telemetry_utils.py")))
}

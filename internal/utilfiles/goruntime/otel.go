package goruntime

import _ "embed"

// OtelPart is what the OpenTelemetry variant of the runtime adds to
// zz_telemetry_utils.go: an import block, then declarations. The Go
// language writes the variant into modules that require
// go.opentelemetry.io/otel (see internal/lang/golang's runtimeFor); it is
// compiled and run there, against the module's own otel, by that
// package's tests.
//
//go:embed otel.go.in
var OtelPart string

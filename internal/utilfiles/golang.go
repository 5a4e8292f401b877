package utilfiles

import (
	_ "embed"
	"strings"
)

// goSource is the Go runtime, kept as a real package (goruntime) so that the
// repository's own build, vet and tests compile and exercise it.
//
//go:embed goruntime/zz_telemetry_utils.go
var goSource string

// GoFileName is the name of the Go runtime file, one in each instrumented
// package folder. The go tool ignores files whose names start with "_", so
// the Go runtime cannot be _telemetry_utils.go; "zz_" sorts it last, where
// generated files usually stand.
const GoFileName = "zz_telemetry_utils.go"

// Go returns the content of zz_telemetry_utils.go for the package named pkg.
func Go(pkg string) []byte {
	return []byte(strings.Replace(goSource, "\npackage goruntime\n", "\npackage "+pkg+"\n", 1))
}

//go:build !unix

package cli

import "time"

// processCPU cannot tell here: benchmarks leave out what needs it.
func processCPU() (time.Duration, bool) { return 0, false }

//go:build !linux

package atomicfile

import "os"

// lease is a no-op where the kernel has no file leases: the content checks
// before and after the rename still catch most concurrent edits.
type lease struct{}

func takeLease(*os.File) (*lease, error) { return &lease{}, nil }
func (*lease) broken() bool              { return false }
func (*lease) release()                  {}

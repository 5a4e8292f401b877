//go:build !linux

package atomicfile

import "syscall"

// swapIn puts tmp at name if name is still the inode the caller checked;
// without an atomic exchange, the name is checked just before the rename.
func swapIn(tmp, name string, orig *syscall.Stat_t) error {
	return renameOverSame(tmp, name, orig)
}

package bench

import (
	"context"
	"fmt"
	"os/exec"
)

// startLoad starts n processes that each keep a CPU busy (yes writing to
// the null device), so the goals can be measured on a loaded machine as
// well as an idle one, and returns what stops them. The processes are
// killed when ctx ends too.
func startLoad(ctx context.Context, n int) (stop func(), err error) {
	if n <= 0 {
		return func() {}, nil
	}
	path, err := exec.LookPath("yes")
	if err != nil {
		return nil, fmt.Errorf("--load runs the yes command (coreutils) to keep CPUs busy, and it is not on PATH: %w", err)
	}
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	for range n {
		// Nil Stdout is the null device: yes > /dev/null.
		c := exec.CommandContext(ctx, path)
		if err := c.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("starting a CPU load process: %w", err)
		}
		cmds = append(cmds, c)
	}
	return stop, nil
}

package javascript

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
)

// nodeProcess is one long-lived node process that answers requests over
// its standard streams, one line per request, so that checking a file costs
// a compile rather than a process start. Its owner serialises requests;
// a process that dies, or whose exchange is cut short, is stopped and
// started again on the next request.
type nodeProcess struct {
	what string   // names the process in errors: "node syntax checker"
	args []string // node's arguments after the executable
	buf  int      // the size of the answer buffer

	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// start runs node, the executable at path, unless the process is running.
func (p *nodeProcess) start(node string) error {
	if p.cmd != nil {
		return nil
	}
	cmd := exec.Command(node, p.args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("starting the %s: %w", p.what, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("starting the %s: %w", p.what, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the %s %s: %w", p.what, node, err)
	}
	p.cmd, p.stdin, p.out = cmd, stdin, bufio.NewReaderSize(stdout, max(p.buf, 4096))
	return nil
}

// roundTrip has write send one request and returns the line that answers
// it. When ctx ends first, or the exchange fails, the process is stopped:
// its stream can no longer be trusted to answer the next request.
func (p *nodeProcess) roundTrip(ctx context.Context, write func(io.Writer) error) ([]byte, error) {
	type answer struct {
		line []byte
		err  error
	}
	done := make(chan answer, 1)
	stdin, out := p.stdin, p.out
	go func() {
		if err := write(stdin); err != nil {
			done <- answer{err: err}
			return
		}
		line, err := out.ReadBytes('\n')
		done <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		p.stop()
		<-done
		return nil, ctx.Err()
	case a := <-done:
		if a.err != nil {
			p.stop()
			return nil, fmt.Errorf("talking to the %s: %w", p.what, a.err)
		}
		return a.line, nil
	}
}

// stop ends the process, if it runs.
func (p *nodeProcess) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.stdin.Close()
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.cmd, p.stdin, p.out = nil, nil, nil
}

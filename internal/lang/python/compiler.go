package python

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// compileScript runs in each python3 process: it reads requests of the form
// "<name length> <source length>\n<name><source>" and answers each with one
// line, "OK" or "ERR <line> <message>". compile() is given bytes so that it
// honours an encoding declaration exactly as py_compile does; warnings are
// silenced because they go to stderr and say nothing about validity.
const compileScript = `import sys, warnings
warnings.simplefilter("ignore")
r, w = sys.stdin.buffer, sys.stdout.buffer
while True:
    h = r.readline()
    if not h:
        break
    n, m = map(int, h.split())
    name = r.read(n).decode("utf-8", "replace")
    src = r.read(m)
    try:
        compile(src, name, "exec", dont_inherit=True)
        a = "OK"
    except SyntaxError as e:
        a = "ERR %s %s: %s" % (e.lineno or 0, type(e).__name__, e.msg)
    except Exception as e:
        a = "ERR 0 %s: %s" % (type(e).__name__, e)
    w.write(a.replace("\n", " ").encode("utf-8", "replace") + b"\n")
    w.flush()
`

// compilerPool keeps up to max python3 processes alive between calls, so
// that validating a file costs a compile, not an interpreter start.
type compilerPool struct {
	exe  string
	idle chan *compiler
	slot chan struct{} // one token per process that may run

	mu     sync.Mutex
	all    map[*compiler]bool
	closed bool
}

type compiler struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func newCompilerPool(exe string, max int) *compilerPool {
	p := &compilerPool{exe: exe, idle: make(chan *compiler, max), slot: make(chan struct{}, max), all: map[*compiler]bool{}}
	for i := 0; i < max; i++ {
		p.slot <- struct{}{}
	}
	return p
}

// errClosed is returned after Close.
var errClosed = errors.New("python compiler check: language closed")

// compile compiles src as the file name and returns Python's complaint.
func (p *compilerPool) compile(ctx context.Context, name string, src []byte) error {
	var c *compiler
	select {
	case c = <-p.idle:
	case <-p.slot:
		var err error
		if c, err = p.start(); err != nil {
			p.slot <- struct{}{}
			return err
		}
	case <-ctx.Done():
		return ctx.Err()
	}
	answer, err := c.ask(ctx, name, src)
	if err != nil {
		// A process that died or was interrupted mid-answer is out of
		// step with its pipes: replace it, and try once more on a fresh one
		// unless the caller gave up.
		p.discard(c)
		if ctx.Err() != nil {
			p.slot <- struct{}{}
			return ctx.Err()
		}
		var serr error
		if c, serr = p.start(); serr != nil {
			p.slot <- struct{}{}
			return fmt.Errorf("python compiler check: %w (restarting python3: %v)", err, serr)
		}
		if answer, err = c.ask(ctx, name, src); err != nil {
			p.discard(c)
			p.slot <- struct{}{}
			return fmt.Errorf("python compiler check: %w", err)
		}
	}
	p.idle <- c
	if answer == "OK" {
		return nil
	}
	rest := strings.TrimPrefix(answer, "ERR ")
	line, msg, _ := strings.Cut(rest, " ")
	if n, err := strconv.Atoi(line); err == nil && n > 0 {
		return fmt.Errorf("python3 rejects line %s: %s", line, msg)
	}
	return fmt.Errorf("python3 rejects it: %s", msg)
}

func (p *compilerPool) start() (*compiler, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errClosed
	}
	cmd := exec.Command(p.exe, "-I", "-S", "-c", compileScript)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", p.exe, err)
	}
	c := &compiler{cmd: cmd, in: in, out: bufio.NewReader(out)}
	p.all[c] = true
	return c, nil
}

// discard kills c; its slot stays taken until the caller returns it or
// starts a replacement in it.
func (p *compilerPool) discard(c *compiler) {
	p.mu.Lock()
	delete(p.all, c)
	p.mu.Unlock()
	c.stop(true)
}

// ask sends one request and reads its answer, killing the process if ctx
// ends first so that the read returns.
func (c *compiler) ask(ctx context.Context, name string, src []byte) (string, error) {
	done := make(chan struct{})
	killed := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			_ = c.cmd.Process.Kill()
			killed <- true
		case <-done:
			killed <- false
		}
	}()
	line, err := c.exchange(name, src)
	close(done)
	if <-killed && err == nil {
		// The caller gave up just as the answer came: the process is
		// dead all the same and must not go back to the pool, where the
		// next compile, or Close, would find it killed.
		return "", ctx.Err()
	}
	return line, err
}

// exchange writes one request and reads its answer.
func (c *compiler) exchange(name string, src []byte) (string, error) {
	w := bufio.NewWriterSize(c.in, 64<<10)
	fmt.Fprintf(w, "%d %d\n", len(name), len(src))
	w.WriteString(name)
	w.Write(src)
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("writing to python3: %w", err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading from python3: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

func (c *compiler) stop(kill bool) error {
	c.in.Close()
	if kill {
		_ = c.cmd.Process.Kill()
	}
	err := c.cmd.Wait()
	if kill {
		return nil
	}
	return err
}

// close ends every process; later compiles fail with errClosed.
func (p *compilerPool) close() error {
	p.mu.Lock()
	p.closed = true
	procs := make([]*compiler, 0, len(p.all))
	for c := range p.all {
		procs = append(procs, c)
	}
	p.all = map[*compiler]bool{}
	p.mu.Unlock()
	var errs []error
	for _, c := range procs {
		if err := c.stop(false); err != nil {
			errs = append(errs, fmt.Errorf("stopping python3: %w", err))
		}
	}
	return errors.Join(errs...)
}

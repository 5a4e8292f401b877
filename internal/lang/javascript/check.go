package javascript

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"sync"
)

// checkScript compiles, without running, each source it reads from stdin:
// a header line "esm N" or "cjs N", then N bytes of UTF-8 source. CommonJS
// sources compile as the body of the function node's module loader wraps
// them in, ES modules as a vm.SourceTextModule, which is what node --check
// does for .cjs and .mjs files. It answers one JSON line per source.
const checkScript = `
const vm = require('vm');
let chunks = [], size = 0;
process.stdin.on('data', (d) => { chunks.push(d); size += d.length; pump(); });
process.stdin.on('end', () => process.exit(0));
function pump() {
  for (;;) {
    let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    chunks = [buf]; size = buf.length;
    const nl = buf.indexOf(10);
    if (nl < 0) return;
    const m = /^(esm|cjs) (\d+)$/.exec(buf.subarray(0, nl).toString());
    if (!m) { process.stdout.write('{"ok":false,"message":"bad request"}\n'); process.exit(2); }
    const n = Number(m[2]);
    if (buf.length < nl + 1 + n) return;
    const src = buf.subarray(nl + 1, nl + 1 + n).toString('utf8');
    buf = buf.subarray(nl + 1 + n);
    chunks = buf.length ? [buf] : []; size = buf.length;
    let res = {ok: true};
    try {
      if (m[1] === 'esm') new vm.SourceTextModule(src, {identifier: 'file:///check.mjs'});
      else vm.compileFunction(src, ['exports', 'require', 'module', '__filename', '__dirname'], {filename: 'check.js'});
    } catch (e) {
      const stack = String(e && e.stack);
      const at = /:(\d+)\r?\n[^\n]*\n( *)\^/.exec(stack) || /:(\d+)\r?\n/.exec(stack);
      res = {ok: false, message: String(e && e.message), line: at ? Number(at[1]) : 0, column: at && at[2] !== undefined ? at[2].length + 1 : 0};
    }
    process.stdout.write(JSON.stringify(res) + '\n');
  }
}
`

// nodeChecker keeps one node process that compiles sources on request, so
// that checking a file costs a compile, not a process start. Requests are
// serialised; a process that dies is started again on the next request.
type nodeChecker struct {
	path string // node executable, "" for PATH lookup

	mu   sync.Mutex
	proc nodeProcess
	gone bool // node is not installed: checks are skipped
}

func newNodeChecker(path string) *nodeChecker {
	return &nodeChecker{path: path, proc: nodeProcess{
		what: "node syntax checker",
		args: []string{"--experimental-vm-modules", "--no-warnings", "-e", checkScript},
	}}
}

// checkResult is one answer of checkScript.
type checkResult struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

// errNoNode reports that node is not available; the check is then skipped.
var errNoNode = errors.New("node not found")

// Check compiles src as an ES module (esm) or a CommonJS module and returns
// node's syntax error with its line, or nil. It returns nil without
// checking when node is not installed.
func (c *nodeChecker) Check(ctx context.Context, src []byte, esm bool) error {
	res, err := c.Position(ctx, src, esm)
	if err != nil || res.OK {
		return err
	}
	return fmt.Errorf("line %d: %s", res.Line, res.Message)
}

// Position compiles src like Check and returns node's verdict with the
// error's line and column. Without node it returns an OK result.
func (c *nodeChecker) Position(ctx context.Context, src []byte, esm bool) (checkResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.start(); err != nil {
		if errors.Is(err, errNoNode) {
			return checkResult{OK: true}, nil
		}
		return checkResult{}, err
	}
	kind := "cjs"
	if esm {
		kind = "esm"
	}
	line, err := c.proc.roundTrip(ctx, func(w io.Writer) error {
		if _, err := io.WriteString(w, kind+" "+strconv.Itoa(len(src))+"\n"); err != nil {
			return err
		}
		_, err := w.Write(src)
		return err
	})
	if err != nil {
		return checkResult{}, err
	}
	var res checkResult
	if err := json.Unmarshal(line, &res); err != nil {
		c.proc.stop()
		return checkResult{}, fmt.Errorf("talking to the node syntax checker: %w", err)
	}
	return res, nil
}

// start runs the checker process unless it is running.
func (c *nodeChecker) start() error {
	if c.gone {
		return errNoNode
	}
	if c.proc.cmd != nil {
		return nil
	}
	node := c.path
	if node == "" {
		p, err := exec.LookPath("node")
		if err != nil {
			c.gone = true
			return errNoNode
		}
		node = p
	}
	return c.proc.start(node)
}

// Close ends the checker process.
func (c *nodeChecker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.proc.stop()
	return nil
}

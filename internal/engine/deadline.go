package engine

import (
	"context"
	"sync"
	"time"
)

// attemptCtx is an attempt's context whose deadline the dispatcher can
// bring forward: the adaptive timeout follows latency observed after the
// attempt left (the first requests of a run leave before anything is
// known), so a hang sent early costs the timeout learned since, not the
// ceiling. Expiring it reports context.DeadlineExceeded, as a timeout
// would, so callers and classification see a timeout, not a cancellation.
type attemptCtx struct {
	context.Context // the parent: the run, under the ceiling timeout
	done            chan struct{}
	once            sync.Once
	mu              sync.Mutex
	err             error
	after           map[*func()]struct{} // see AfterFunc
	stop            func() bool
	cancel          context.CancelFunc
	hearing         *hearing // a probe's, see Heard; set before the call starts
}

// newAttemptCtx starts an attempt's context under run, ended at the
// latest by the ceiling timeout (none when 0).
func newAttemptCtx(run context.Context, ceiling time.Duration) *attemptCtx {
	parent, cancel := run, context.CancelFunc(func() {})
	if ceiling > 0 {
		parent, cancel = context.WithTimeout(run, ceiling)
	}
	c := &attemptCtx{Context: parent, done: make(chan struct{}), cancel: cancel}
	c.stop = context.AfterFunc(parent, func() { c.expire(parent.Err()) })
	return c
}

func (c *attemptCtx) Done() <-chan struct{} { return c.done }

func (c *attemptCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// expire ends the context with err (once).
func (c *attemptCtx) expire(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		after := c.after
		c.after = nil
		c.mu.Unlock()
		close(c.done)
		for f := range after {
			go (*f)()
		}
	})
}

// AfterFunc arranges for f to run, in its own goroutine, once c is done,
// as context.AfterFunc does; stop unregisters it and reports whether that
// kept it from running. Every call derives its own context from c (the
// provider client's per-request timeout, the HTTP request's): for a
// parent type it does not know, the context package would otherwise
// start a goroutine per derived context, just to wait for c, so a burst
// of hundreds of requests started hundreds more goroutines while the
// requests were leaving. With this method the package registers here
// instead.
func (c *attemptCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	if c.after == nil {
		c.after = map[*func()]struct{}{}
	}
	key := &f
	c.after[key] = struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.after[key]
		delete(c.after, key)
		return ok
	}
}

// release frees the parent's hook and timer when the attempt is over.
func (c *attemptCtx) release() {
	c.stop()
	c.cancel()
}

// flight is an attempt in progress, as the dispatcher tracks it.
type flight struct {
	start time.Time
	ctx   *attemptCtx
	heard bool // its headers came early (Heard)
}

// expireLate ends attempts that have run past the timeout learned so far
// and returns how long until the next one would, 0 if none is running or
// timeouts do not adapt.
func (r *runner[Req, Resp]) expireLate(now time.Time) time.Duration {
	if r.opts.TimeoutFactor <= 0 {
		return 0
	}
	var wake time.Duration
	for idx, f := range r.running {
		limit := r.attemptTimeout(r.timedOut[idx])
		if limit <= 0 {
			continue
		}
		left := f.start.Add(limit).Sub(now)
		if left <= 0 {
			f.ctx.expire(context.DeadlineExceeded)
			continue
		}
		if wake == 0 || left < wake {
			wake = left
		}
	}
	return wake
}

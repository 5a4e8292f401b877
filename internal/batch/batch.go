// Package batch sends decision requests through a provider's batch API
// (OpenAI's Batch API, Anthropic's Message Batches): half the price and no
// rate-limit pressure, for answers within 24 hours. It splits the requests
// at the provider's limits, saves every batch id under the project's
// .telemetry-inject folder before waiting, so a run stopped by Ctrl-C or
// killed picks its batches up again instead of paying twice, polls with a
// growing interval, and maps the results back to the constructs by
// custom_id. It knows no provider: the clients in internal/llm/openai and
// internal/llm/anthropic satisfy Provider.
package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Provider is a provider's batch API. Its errors are *llm.Error.
type Provider interface {
	// Name identifies the provider, model and server; batches saved under
	// one name are collected only by a provider of the same name.
	Name() string
	// Limits returns the most requests and bytes one batch may hold.
	Limits() (maxRequests int, maxBytes int64)
	// Size returns how many bytes a request adds to a batch, or why it
	// cannot be sent.
	Size(req prompt.Request) (int64, error)
	// Submit creates one batch of requests, each with its ConstructID as
	// custom_id, and returns the batch id.
	Submit(ctx context.Context, reqs []prompt.Request) (string, error)
	// Status looks at a batch once.
	Status(ctx context.Context, id string) (llm.BatchStatus, error)
	// Results returns the results of an ended batch, one per request it
	// has a line for.
	Results(ctx context.Context, id string) ([]llm.BatchResult, error)
	// Cancel asks the provider to stop a batch.
	Cancel(ctx context.Context, id string) error
}

// Result is the outcome of one request: an answer, or an *llm.Error for a
// request that failed, expired, was canceled or was never sent.
type Result = llm.BatchResult

// Progress is reported after each look at a batch.
type Progress struct {
	// BatchID is the batch just looked at; Batch is what the look found.
	BatchID string
	Batch   llm.BatchStatus
	// Batches is how many batches are being waited on, Ended how many of
	// them have been collected.
	Batches, Ended int
	// Completed, Failed and Total add up the latest look at every batch
	// being waited on.
	Completed, Failed, Total int
}

// Options configures Run. The zero value works, with the state saved under
// the current directory.
type Options struct {
	// Dir is the project root; the batch ids are saved in
	// Dir/.telemetry-inject/batches.json.
	Dir string
	// MaxRequests and MaxBytes, when positive and below the provider's
	// limits, split batches smaller.
	MaxRequests int
	MaxBytes    int64
	// PollInterval is the first wait between looks at the batches
	// (default 5 s); each wait is half again as long as the last, up to
	// MaxPollInterval (default 2 min).
	PollInterval, MaxPollInterval time.Duration
	// Sleep waits d or until ctx ends; nil means a timer. Tests pass one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now gives the time saved with each batch; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is called after each look at a batch.
	Progress func(Progress)
	// OnResults, when set, receives each batch's results the moment they
	// are downloaded and before the batch is dropped from the state file,
	// so a caller that stores them (the decision cache) loses no paid
	// answer if the process dies right after. An error keeps the batch
	// saved and stops Run.
	OnResults func([]Result) error
	// LookRetries is how many looks at a batch in a row may fail (a network
	// error, a 5xx) before Run stops waiting for it in this run, leaving
	// it saved for the next; default 5.
	LookRetries int
}

func (o Options) withDefaults() Options {
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = max(2*time.Minute, o.PollInterval)
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LookRetries <= 0 {
		o.LookRetries = 5
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Report sums up a Run.
type Report struct {
	// Batches is how many batches the run waited on: Submitted by it and
	// Resumed from the state file.
	Batches, Submitted, Resumed int
	// Succeeded, Failed, Expired and Canceled count the results returned:
	// Failed holds every error that is neither an expiry nor a cancel,
	// requests never sent included.
	Succeeded, Failed, Expired, Canceled int
	// Usage adds up the tokens of every answer, unusable ones included:
	// all of it is billed, at the provider's batch price.
	Usage llm.Usage
}

// customID is what both providers accept as a custom_id (Anthropic's rule;
// OpenAI's is looser). Construct IDs are hex digests, well inside it.
var customID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Run sends reqs through p's batch API and waits for the answers, keyed by
// ConstructID. Requests already covered by a batch saved in the state
// file (by an earlier run of the same provider, for the same prompt) are
// not sent again: Run waits for that batch instead. Every request has a
// result unless Run returns an error: failed, expired and canceled
// requests carry an *llm.Error, and the caller retries them through the
// normal engine or the built-in planner. On an error (ctx canceled, the
// state file unwritable, a rejected key) the map holds what was collected
// and the batches not yet collected stay saved for the next run.
func Run(ctx context.Context, p Provider, reqs []prompt.Request, opts Options) (map[string]Result, Report, error) {
	opts = opts.withDefaults()
	r := &run{p: p, opts: opts, name: p.Name(), out: map[string]Result{}, want: map[string]string{}}
	r.provider, _, _ = strings.Cut(r.name, " ")
	var send []prompt.Request
	for _, req := range reqs {
		id := req.ConstructID
		switch {
		case !customID.MatchString(id):
			r.fail(id, llm.BadRequest, fmt.Sprintf("construct ID %q cannot be a batch custom_id", id))
		case r.want[id] != "":
			return nil, Report{}, fmt.Errorf("construct ID %s is requested twice", id)
		default:
			r.want[id] = fingerprint(r.name, req)
			send = append(send, req)
		}
	}
	st, err := loadState(opts.Dir)
	if err != nil {
		return nil, Report{}, err
	}
	r.st = st
	covered := r.resume()
	send = slices.DeleteFunc(send, func(req prompt.Request) bool { return covered[req.ConstructID] })
	if err := r.submit(ctx, send); err != nil {
		return r.out, r.report(), err
	}
	err = r.wait(ctx)
	return r.out, r.report(), err
}

// run is the state of one Run.
type run struct {
	p        Provider
	opts     Options
	name     string
	provider string            // the first word of name, for errors
	st       *state            // the state file's content
	want     map[string]string // custom_id → fingerprint of what is asked now
	out      map[string]Result
	active   []*entry // batches to wait for
	relevant map[string]bool
	rep      Report
}

// fingerprint identifies what is asked of whom, so a saved batch answers a
// construct only when the request would be the same today.
func fingerprint(provider string, req prompt.Request) string {
	h := sha256.New()
	for _, s := range []string{provider, req.Version, req.SchemaName, string(req.Schema), req.System, req.User, strconv.Itoa(req.MaxTokens)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// resume takes up the saved batches of this provider and returns the
// custom_ids they will answer. Batches covering none of today's requests
// are still looked at once, so that ended ones are dropped.
func (r *run) resume() map[string]bool {
	covered := map[string]bool{}
	r.relevant = map[string]bool{}
	for _, e := range r.st.Batches {
		if e.Provider != r.name {
			continue
		}
		for id, fp := range e.Items {
			if r.want[id] == fp && !covered[id] {
				covered[id] = true
				r.relevant[e.ID] = true
			}
		}
		if r.relevant[e.ID] {
			r.rep.Resumed++
		}
		r.active = append(r.active, e)
	}
	return covered
}

// fail records an error result for a request that was not sent.
func (r *run) fail(id string, kind llm.Kind, msg string) {
	r.out[id] = Result{CustomID: id, Err: &llm.Error{Kind: kind, Provider: r.provider, Message: msg}}
}

// submit splits reqs at the limits and submits each part, saving its id
// before the next. A part the provider refuses gets its error as every
// request's result; a rejected key or quota stops the run.
func (r *run) submit(ctx context.Context, reqs []prompt.Request) error {
	parts, tooBig := split(r.p, reqs, r.opts.MaxRequests, r.opts.MaxBytes)
	for id, err := range tooBig {
		var e *llm.Error
		if errors.As(err, &e) && e.Provider == "" {
			e.Provider = r.provider
		}
		r.out[id] = Result{CustomID: id, Err: err}
	}
	for _, part := range parts {
		id, err := r.p.Submit(ctx, part)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("submitting a batch: %w", ctx.Err())
			}
			if k := llm.KindOf(err); k.Fatal() || k == llm.Quota {
				return fmt.Errorf("submitting a batch: %w", err)
			}
			for _, req := range part {
				r.out[req.ConstructID] = Result{CustomID: req.ConstructID, Err: err}
			}
			continue
		}
		e := &entry{ID: id, Provider: r.name, Submitted: r.opts.Now().UTC(), Items: make(map[string]string, len(part))}
		for _, req := range part {
			e.Items[req.ConstructID] = r.want[req.ConstructID]
		}
		r.st.Batches = append(r.st.Batches, e)
		if err := r.st.save(r.opts.Dir); err != nil {
			return fmt.Errorf("batch %s was submitted but its id could not be saved (cancel it on the provider's dashboard to avoid paying twice): %w", id, err)
		}
		r.rep.Submitted++
		r.relevant[id] = true
		r.active = append(r.active, e)
	}
	return nil
}

// report counts the results.
func (r *run) report() Report {
	rep := r.rep
	rep.Batches = rep.Submitted + rep.Resumed
	for _, res := range r.out {
		var e *llm.Error
		switch {
		case res.Err == nil:
			rep.Succeeded++
			rep.Usage = rep.Usage.Add(res.Answer.Usage)
			continue
		case errors.As(res.Err, &e) && e.Code == llm.BatchExpiredCode:
			rep.Expired++
		case e != nil && e.Code == llm.BatchCanceledCode:
			rep.Canceled++
		default:
			rep.Failed++
		}
		if e != nil {
			rep.Usage = rep.Usage.Add(e.Usage)
		}
	}
	return rep
}

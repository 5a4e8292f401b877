package batch

import (
	"context"
	"errors"
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// wait looks at the active batches until each has been collected, given up
// on for this run, or (for saved batches answering nothing asked today)
// looked at once. Between rounds it sleeps, each sleep half again as long.
func (r *run) wait(ctx context.Context) error {
	interval := r.opts.PollInterval
	latest := map[string]llm.BatchStatus{}
	failures := map[string]int{}
	waited, ended := 0, 0
	for _, e := range r.active {
		if r.relevant[e.ID] {
			waited++
		}
	}
	for len(r.active) > 0 {
		var next []*entry
		for _, e := range r.active {
			st, err := r.p.Status(ctx, e.ID)
			if err == nil && st.State.Done() {
				err = r.collect(ctx, e, st)
				if err == nil {
					delete(latest, e.ID)
					if r.relevant[e.ID] {
						ended++
					}
					r.progress(e.ID, st, latest, waited, ended)
					continue
				}
			}
			var halt stopError
			if errors.As(err, &halt) {
				return halt.error
			}
			if err != nil {
				keep, stop := r.lookFailed(ctx, e, err, failures)
				if stop != nil {
					return stop
				}
				if keep {
					next = append(next, e)
				}
				continue
			}
			failures[e.ID] = 0
			if !r.relevant[e.ID] {
				continue // someone else's question: not worth waiting for
			}
			latest[e.ID] = st
			r.progress(e.ID, st, latest, waited, ended)
			next = append(next, e)
		}
		r.active = next
		if len(next) == 0 {
			return nil
		}
		if err := r.opts.Sleep(ctx, interval); err != nil {
			return fmt.Errorf("waiting for %d batches (their ids are saved in %s: run again to collect them): %w",
				len(next), statePath(r.opts.Dir), err)
		}
		interval = min(interval*3/2, r.opts.MaxPollInterval)
	}
	return nil
}

// progress reports one look.
func (r *run) progress(id string, st llm.BatchStatus, latest map[string]llm.BatchStatus, batches, ended int) {
	if r.opts.Progress == nil || !r.relevant[id] {
		return
	}
	p := Progress{BatchID: id, Batch: st, Batches: batches, Ended: ended}
	for _, s := range latest {
		p.Completed += s.Completed
		p.Failed += s.Failed
		p.Total += s.Total
	}
	r.opts.Progress(p)
}

// lookFailed handles a failed look at (or download of) e. It returns
// whether to keep waiting for e, or an error that stops the run.
func (r *run) lookFailed(ctx context.Context, e *entry, err error, failures map[string]int) (keep bool, stop error) {
	switch k := llm.KindOf(err); {
	case ctx.Err() != nil:
		return false, fmt.Errorf("looking at batch %s: %w", e.ID, ctx.Err())
	case k.Fatal():
		return false, fmt.Errorf("looking at batch %s: %w", e.ID, err)
	case k == llm.NotFound:
		// The batch is gone (deleted, or its results expired): nothing
		// will ever come of it, so it is forgotten and its requests retried.
		r.failCovered(e, err)
		r.st.remove(e.ID)
		if serr := r.st.save(r.opts.Dir); serr != nil {
			return false, serr
		}
		return false, nil
	}
	failures[e.ID]++
	if failures[e.ID] < r.opts.LookRetries {
		return true, nil
	}
	// Given up for this run only: the batch stays saved, and a later run
	// collects it.
	r.failCovered(e, fmt.Errorf("batch %s (still saved, for a later run): %w", e.ID, err))
	return false, nil
}

// failCovered gives err to every request asked today that e covers.
func (r *run) failCovered(e *entry, err error) {
	for id, fp := range e.Items {
		if r.want[id] == fp {
			if _, done := r.out[id]; !done {
				r.out[id] = Result{CustomID: id, Err: err}
			}
		}
	}
}

// collect downloads ended batch e's results, keeps those answering today's
// requests, hands them to OnResults and forgets the batch. Requests the
// batch has no line for get an error that says why.
func (r *run) collect(ctx context.Context, e *entry, st llm.BatchStatus) error {
	results, err := r.p.Results(ctx, e.ID)
	if err != nil {
		return err
	}
	var got []Result
	seen := map[string]bool{}
	for _, res := range results {
		if fp, ok := e.Items[res.CustomID]; !ok || r.want[res.CustomID] != fp || seen[res.CustomID] {
			continue
		}
		seen[res.CustomID] = true
		got = append(got, res)
	}
	for id, fp := range e.Items {
		if r.want[id] == fp && !seen[id] {
			got = append(got, Result{CustomID: id, Err: r.missing(e.ID, st)})
		}
	}
	if r.opts.OnResults != nil && len(got) > 0 {
		if err := r.opts.OnResults(got); err != nil {
			return stopError{fmt.Errorf("storing the results of batch %s (it stays saved): %w", e.ID, err)}
		}
	}
	for _, res := range got {
		// A construct sent twice (two runs at once) keeps an answer over
		// an error.
		if prev, ok := r.out[res.CustomID]; !ok || prev.Err != nil {
			r.out[res.CustomID] = res
		}
	}
	r.st.remove(e.ID)
	if err := r.st.save(r.opts.Dir); err != nil {
		return stopError{err}
	}
	return nil
}

// stopError is a failure of ours, not the provider's, while collecting a
// batch: no retry helps, so the run stops.
type stopError struct{ error }

func (e stopError) Unwrap() error { return e.error }

// missing is the error for a request an ended batch has no result for.
func (r *run) missing(id string, st llm.BatchStatus) *llm.Error {
	switch st.State {
	case llm.BatchExpired:
		return llm.ExpiredError(r.provider)
	case llm.BatchCanceled:
		return llm.BatchCanceledError(r.provider)
	case llm.BatchFailed:
		return &llm.Error{Kind: llm.BadRequest, Provider: r.provider, Message: fmt.Sprintf("batch %s failed: %s", id, st.Message)}
	}
	return llm.MalformedError(r.provider, "batch %s ended without a result for this request", id)
}

// Cancel asks p to stop every batch saved in dir by a provider of p's name
// and returns how many it canceled. The batches stay saved: the next Run
// collects the answers they produced before stopping (which are billed)
// and reports the rest as canceled.
func Cancel(ctx context.Context, p Provider, dir string) (int, error) {
	if dir == "" {
		dir = "."
	}
	st, err := loadState(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	name := p.Name()
	for _, e := range st.Batches {
		if e.Provider != name || e.Canceled {
			continue
		}
		if err := p.Cancel(ctx, e.ID); err != nil && llm.KindOf(err) != llm.NotFound {
			if serr := st.save(dir); serr != nil {
				return n, serr
			}
			return n, fmt.Errorf("canceling batch %s: %w", e.ID, err)
		}
		e.Canceled = true
		n++
	}
	return n, st.save(dir)
}

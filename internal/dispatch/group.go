package dispatch

import (
	"errors"
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// groupKey is a construct's cache key in grouped runs: its own single
// message under the grouped version and schema, so the key does not
// depend on which other constructs shared its request, and editing one
// function re-asks only that function's group.
func groupKey(provider, model string, single prompt.Request) string {
	return cache.Key(provider, model, prompt.GroupVersion, []byte(single.System), []byte(single.User), prompt.GroupSchema())
}

// maxGroupInputTokens bounds the estimated input of one grouped request,
// so a group stays well inside every hosted model's context and a single
// answer never carries too much at once.
const maxGroupInputTokens = 24000

// groupRequests turns the pending single requests into grouped ones: the
// constructs of one file, in source order (so a function, its loops and
// its variables sit together), up to prompt.MaxGroupSize constructs and
// maxGroupInputTokens. A group of one stays a single request. Only cache
// misses are grouped, so an edit re-asks only the constructs it changed.
func groupRequests(jobs []pipeline.Job, pending []*Request, opts prompt.Options) []*Request {
	var order []string
	byFile := map[string][]*Request{}
	for _, r := range pending {
		if len(byFile[r.file]) == 0 {
			order = append(order, r.file)
		}
		byFile[r.file] = append(byFile[r.file], r)
	}
	var out []*Request
	flush := func(chunk []*Request) {
		switch len(chunk) {
		case 0:
		case 1:
			out = append(out, chunk[0])
		default:
			cons := make([]*source.Construct, len(chunk))
			for i, m := range chunk {
				cons[i] = m.cons
				m.single = m.req
			}
			out = append(out, &Request{job: chunk[0].job, file: chunk[0].file, cons: chunk[0].cons,
				req: prompt.BuildGroup(jobs[chunk[0].job].File, cons, opts), members: chunk})
		}
	}
	for _, file := range order {
		var chunk []*Request
		tokens := 0
		for _, r := range byFile[file] {
			// The single request's estimate less what the group shares.
			own := r.req.EstimatedTokens - r.req.MaxTokens - prompt.EstimateTokens(r.req.System) - prompt.EstimateTokens(string(r.req.Schema))
			if len(chunk) == prompt.MaxGroupSize || (len(chunk) > 0 && tokens+own > maxGroupInputTokens) {
				flush(chunk)
				chunk, tokens = nil, 0
			}
			chunk = append(chunk, r)
			tokens += own
		}
		flush(chunk)
	}
	return out
}

// validate checks an answer before it is accepted: one decision for a
// single request; for a group, only that the answer holds a decisions
// array, since each member is judged on its own when settling.
func (d *LLM) validate(r *Request, raw []byte) error {
	if len(r.members) == 0 {
		_, err := decide.Parse(r.cons, raw)
		return err
	}
	_, err := prompt.ParseGroup(raw)
	return err
}

// settleGroup settles each member of a grouped request: a member with a
// valid decision takes it (and caches it under its own key); a member the
// answer left out, or answered invalidly, is queued to be asked alone, as
// is every member when the group's answer was unusable. A group not sent
// because of the budget, or failed for good, falls back member by member
// as single requests would. Callers hold the stats lock.
func (d *LLM) settleGroup(r *Request, ans llm.Answer, err error) []settledJob {
	var byID map[string][]byte
	if err == nil {
		byID, err = prompt.ParseGroup(ans.Raw)
	}
	reask := err == nil || llm.KindOf(err) == llm.Malformed || errors.Is(err, errInvalidAnswer)
	// Each member's cache entry carries its share of the request's cost.
	n := len(r.members)
	share := llm.Usage{InputTokens: ans.Usage.InputTokens / n, CacheReadTokens: ans.Usage.CacheReadTokens / n,
		CacheWriteTokens: ans.Usage.CacheWriteTokens / n, OutputTokens: ans.Usage.OutputTokens / n}
	var out []settledJob
	for _, m := range r.members {
		raw, ok := byID[m.cons.ID]
		if ok {
			if _, perr := decide.Parse(m.cons, raw); perr == nil {
				dec, origin, note := d.settle(m, llm.Answer{Raw: raw, Model: ans.Model, Usage: share}, nil, false)
				out = append(out, settledJob{m.job, pipeline.Decided{Decision: dec, Origin: origin, Note: note}})
				continue
			}
		}
		if reask && !errors.Is(err, errOverBudget) {
			m.req = m.single
			d.alone = append(d.alone, m)
			continue
		}
		merr := err
		if merr == nil {
			merr = fmt.Errorf("the grouped answer has no valid decision for %s", m.cons.ID)
		}
		dec, origin, note := d.settle(m, llm.Answer{}, merr, false)
		out = append(out, settledJob{m.job, pipeline.Decided{Decision: dec, Origin: origin, Note: note}})
	}
	return out
}

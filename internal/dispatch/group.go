package dispatch

import (
	"errors"
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// groupKey is a construct's cache key in grouped runs: its own single
// message under the grouped version and schema, so the key does not
// depend on which other constructs shared its request, and editing one
// function re-asks only that function's group. groupSchema is
// prompt.GroupSchema(), built once by the caller: building it decodes and
// encodes the schema, which for every construct of a large job is
// milliseconds before the first request can leave.
func groupKey(provider, model string, single prompt.Request, groupSchema []byte) string {
	return cache.Key(provider, model, prompt.GroupVersion, []byte(single.System), []byte(single.User), groupSchema)
}

// maxGroupInputTokens bounds the estimated input of one grouped request,
// so a group stays well inside every hosted model's context and a single
// answer never carries too much at once. A smaller context window
// (ContextWindow) lowers it.
const maxGroupInputTokens = 24000

// groupRequests turns the pending single requests into grouped ones: the
// constructs of one file, in source order (so a function, its loops and
// its variables sit together), up to prompt.MaxGroupSize constructs and a
// token budget that fits the model's context (size is at most
// prompt.MaxGroupSize). A group of one stays a
// single request. Only cache misses are grouped, so an edit re-asks only
// the constructs it changed. The groups' prefix is padded to the model's
// minimum cacheable length when that makes the run cheaper (padTo).
func (d *LLM) groupRequests(pending []*Request, size, slots int) []*Request {
	pad := 0
	limit := func() int {
		l := maxGroupInputTokens
		if d.ContextWindow > 0 {
			l = min(l, d.ContextWindow-prompt.GroupFixedTokens(pad))
		}
		return l
	}
	chunks := chunkByFile(pending, d.PromptOptions, size, limit(), slots)
	groups := 0
	for _, c := range chunks {
		if len(c) > 1 {
			groups++
		}
	}
	if pad = d.padTo(groups); pad > 0 && limit() < maxGroupInputTokens {
		chunks = chunkByFile(pending, d.PromptOptions, size, limit(), slots) // the padding took room
	}
	var out []*Request
	for _, c := range chunks {
		out = append(out, d.group(c, pad))
	}
	return out
}

// chunkByFile splits the requests into runs of one file, in order, each
// at most size long and limit tokens large. A file is split into runs of
// even length (7 by 5: 4 and 3, not 5 and 2): groups decode in about the
// same time, and no member is left alone with a prefix of its own.
//
// slots, when positive, is how many requests the server runs at once (a
// local server bound by its slots): then no run holds more than its share
// of what is left, ceil(left/slots), so the runs shrink toward the end of
// the job. That is guided self-scheduling (Polychronopoulos and Kuck,
// IEEE Trans. Computers 36(12), 1987): with full groups to the end, the
// last round has fewer requests than slots, and the slots that drew
// none stand idle for a whole group's decoding (in the bench, 14 groups
// on 4 slots left two slots idle for about 2 s of an 8 s job, and which
// two depended on the order a loaded machine sent them in). Smaller last
// requests let the slots finish together, for a few more requests'
// fixed cost (prefill, the first token).
func chunkByFile(pending []*Request, opts prompt.Options, size, limit, slots int) [][]*Request {
	var order []string
	byFile := map[string][]*Request{}
	for _, r := range pending {
		if len(byFile[r.file]) == 0 {
			order = append(order, r.file)
		}
		byFile[r.file] = append(byFile[r.file], r)
	}
	var out [][]*Request
	left := len(pending) // not yet in a closed run
	for _, file := range order {
		var chunk []*Request
		tokens := 0
		n := len(byFile[file])
		even := (n + (n+size-1)/size - 1) / ((n + size - 1) / size)
		// most is the longest run that may start with rest of the file
		// left: its share of the job's remainder, the file's rest split
		// evenly by that share.
		most := func(rest int) int {
			if slots <= 0 {
				return even
			}
			share := min(even, max(1, (left+slots-1)/slots))
			runs := (rest + share - 1) / share
			return (rest + runs - 1) / runs
		}
		atMost := most(n)
		for i, r := range byFile[file] {
			own := prompt.SectionTokens(r.src, r.cons, opts)
			if len(chunk) >= atMost || (len(chunk) > 0 && tokens+own > limit) {
				out = append(out, chunk)
				left -= len(chunk)
				chunk, tokens, atMost = nil, 0, most(n-i)
			}
			chunk = append(chunk, r)
			tokens += own
		}
		if len(chunk) > 0 {
			out = append(out, chunk)
			left -= len(chunk)
		}
	}
	return out
}

// group makes one request of members: the grouped prompt, or the single
// request of a lone member.
func (d *LLM) group(members []*Request, pad int) *Request {
	if len(members) == 1 {
		m := members[0]
		if m.single.ConstructID != "" {
			m.req = m.single
		}
		return m
	}
	cons := make([]*source.Construct, len(members))
	for i, m := range members {
		cons[i] = m.cons
		if m.single.ConstructID == "" {
			m.single = m.req
		}
	}
	opts := d.PromptOptions
	opts.PadPrefixTo = pad
	return &Request{job: members[0].job, file: members[0].file, src: members[0].src, cons: members[0].cons,
		req: prompt.BuildGroup(members[0].src, cons, opts), members: members, pad: pad}
}

// padTo returns the prefix length to pad grouped prompts to, or 0: the
// model's minimum cacheable prefix, when the plain prefix is shorter and
// a padded prefix written once and read by the run's other requests costs
// less than the plain one paid in full by each. It assumes the requests
// share one cache entry, which the engine's slow start (few requests in
// flight before the first answer) makes likely.
func (d *LLM) padTo(requests int) int {
	min := d.CacheMinTokens
	plain := prompt.PrefixTokens(0)
	if d.Price == nil || min <= plain || requests < 2 || !prompt.CanPad(min) {
		return 0
	}
	padded := prompt.PrefixTokens(min)
	without := d.Price(llm.Usage{InputTokens: requests * plain}, false)
	with := d.Price(llm.Usage{InputTokens: requests * padded, CacheWriteTokens: padded, CacheReadTokens: (requests - 1) * padded}, false)
	if with >= without {
		return 0
	}
	return min
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
	for i, m := range r.members {
		raw, ok := byID[prompt.GroupID(i)]
		if ok {
			if _, perr := decide.Parse(m.cons, raw); perr == nil {
				dec, origin, note := d.settle(m, llm.Answer{Raw: raw, Model: ans.Model, Usage: share}, nil, false)
				out = append(out, settledJob{m.job, decision.Decided{Decision: dec, Origin: origin, Note: note}})
				continue
			}
		}
		if reask && !errors.Is(err, errOverBudget) {
			m.req, m.members = m.single, nil
			d.alone = append(d.alone, m)
			continue
		}
		merr := err
		if merr == nil {
			merr = fmt.Errorf("the grouped answer has no valid decision for %s", m.cons.ID)
		}
		dec, origin, note := d.settle(m, llm.Answer{}, merr, false)
		out = append(out, settledJob{m.job, decision.Decided{Decision: dec, Origin: origin, Note: note}})
	}
	return out
}

package dispatch

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// requests builds each job's single request and cache key. The prompts
// and keys of the last jobs built are kept: the estimate (Plan) and the
// run (Decide) see the same jobs one after the other, and building them
// twice would delay the first request of a run whose wall time is a few
// round trips.
func (d *LLM) requests(jobs []decision.Job) []*Request {
	if !d.built.same(jobs) {
		d.built.cons, d.built.reqs, d.built.keys = make([]*source.Construct, len(jobs)), make([]prompt.Request, len(jobs)), make([]string, len(jobs))
		var groupSchema []byte
		if d.Group && d.Batch == nil {
			groupSchema = prompt.GroupSchema()
		}
		for i, j := range jobs {
			req := prompt.BuildWith(j.File, j.Construct, d.PromptOptions)
			d.built.cons[i], d.built.reqs[i] = j.Construct, req
			if d.Group && d.Batch == nil {
				d.built.keys[i] = groupKey(d.Provider, d.Model, req, groupSchema)
			} else {
				d.built.keys[i] = cache.Key(d.Provider, d.Model, req.Version, []byte(req.System), []byte(req.User), req.Schema)
			}
		}
	}
	out := make([]*Request, len(jobs))
	for i, j := range jobs {
		out[i] = &Request{job: i, file: j.File.Path, src: j.File, cons: j.Construct, req: d.built.reqs[i], key: d.built.keys[i]}
	}
	return out
}

// builtRequests are the prompts and cache keys requests built last, with
// the constructs they were built for.
type builtRequests struct {
	cons []*source.Construct
	reqs []prompt.Request
	keys []string
}

// same reports whether jobs are the very constructs built last.
func (b *builtRequests) same(jobs []decision.Job) bool {
	if len(b.cons) != len(jobs) {
		return false
	}
	for i, j := range jobs {
		if b.cons[i] != j.Construct {
			return false
		}
	}
	return true
}

// fromCache answers r from the cache when a valid answer is there.
func (d *LLM) fromCache(r *Request) (source.Decision, bool) {
	if d.Cache == nil {
		return source.Decision{}, false
	}
	e, ok := d.Cache.Get(r.key)
	if !ok {
		d.stats.CacheMisses++
		return source.Decision{}, false
	}
	dec, err := decide.Parse(r.cons, e.Answer)
	if err != nil {
		d.stats.CacheMisses++
		return source.Decision{}, false
	}
	d.stats.CacheHits++
	d.stats.SavedUSD += e.CostUSD
	return dec, true
}

// Planned is one request a run would send first.
type Planned struct {
	// Request is the prompt as it would be sent.
	Request prompt.Request
	// Constructs is how many constructs it asks about.
	Constructs int
}

// Plan returns the requests Decide would send first for jobs, sending
// nothing and changing nothing: constructs the cache answers are left
// out, the rest grouped and padded as Decide does. Constructs asked again
// later (left out of a group's answer, or invalid) are not in it. The cost
// estimate shown before a run prices it.
func (d *LLM) Plan(jobs []decision.Job) []Planned {
	var pending []*Request
	for _, r := range d.requests(jobs) {
		if d.Cache != nil {
			if e, ok := d.Cache.Get(r.key); ok {
				if _, err := decide.Parse(r.cons, e.Answer); err == nil {
					continue
				}
			}
		}
		pending = append(pending, r)
	}
	pending, _, _ = d.arrange(pending)
	out := make([]Planned, len(pending))
	for i, r := range pending {
		out[i] = Planned{Request: r.req, Constructs: max(1, len(r.members))}
	}
	return out
}

// askAgain sends, round after round, what the last round queued: members
// a group's answer left out or got wrong, and the smaller requests that
// replace one the server found too long. What is still queued after the
// last round falls back to the built-in planner.
func (d *LLM) askAgain(ctx context.Context, done func(int, decision.Decided), mu *sync.Mutex) {
	for round := 0; len(d.alone) > 0 && round < maxAskRounds; round++ {
		if ctx.Err() != nil || d.err != nil {
			return
		}
		again := d.alone
		d.alone = nil
		d.viaEngine(ctx, again, done, mu, false, false)
	}
	mu.Lock()
	left := d.alone
	d.alone = nil
	var settled []settledJob
	for _, r := range left {
		members := r.members
		if len(members) == 0 {
			members = []*Request{r}
		}
		for _, m := range members {
			err := fmt.Errorf("still unanswered after %d rounds of asking again", maxAskRounds)
			dec, origin, note := d.settle(m, llm.Answer{}, err, false)
			settled = append(settled, settledJob{m.job, decision.Decided{Decision: dec, Origin: origin, Note: note}})
		}
	}
	mu.Unlock()
	for _, s := range settled {
		done(s.job, s.decided)
	}
}

// prefixKey names a prompt's cacheable prefix (schema and system prompt)
// cheaply: within one run they differ only by schema and padding.
func prefixKey(req prompt.Request) string {
	return req.SchemaName + "\x00" + strconv.Itoa(len(req.System))
}

// notePrefix remembers how much of a prompt's prefix the provider served
// from or wrote to its cache. Callers hold the stats lock.
func (d *LLM) notePrefix(req prompt.Request, u llm.Usage) {
	if n := u.CacheReadTokens + u.CacheWriteTokens; n > 0 {
		if d.prefixes == nil {
			d.prefixes = map[string]int{}
		}
		d.prefixes[prefixKey(req)] = max(d.prefixes[prefixKey(req)], n)
	}
}

// worstUsage is the most a request can be billed for, as far as the run
// knows: its whole answer allowance, and its input fresh except the prefix
// an earlier answer showed the provider caches. Callers hold the stats
// lock.
func (d *LLM) worstUsage(req prompt.Request) llm.Usage {
	in := req.EstimatedTokens - req.MaxTokens
	return llm.Usage{InputTokens: in, CacheReadTokens: min(d.prefixes[prefixKey(req)], in), OutputTokens: req.MaxTokens}
}

// probeMembers is the most constructs the first request of a grouped,
// cache-warming run holds: it goes alone and everything else waits for
// its answer, and a grouped answer takes about as long as its decisions
// one after another, so a full group there would cost the run a second
// full group's latency.
const probeMembers = 2

// arrange turns the pending requests into what is sent: grouped as
// choose decides, and, when they share a prefix the provider caches
// (warm, see viaEngine), with the first request, which goes alone while
// the others wait for its answer, small: a group's first probeMembers
// constructs when the rest of it still makes a group (so the probe writes
// the prefix the groups share). A job that fits the buckets skips the
// warm-up where cache writes cost nothing extra (see cacheWriteSurcharge).
func (d *LLM) arrange(pending []*Request) (out []*Request, warm bool, plan sendPlan) {
	plan = d.choose(pending)
	if d.Group && d.Batch == nil && len(pending) > 0 && plan.size > 1 {
		pending = d.groupRequests(pending, plan.size, plan.slots)
	}
	warm = d.Batch == nil && len(pending) > 1 && d.cachedPrefix(pending[0].req)
	if plan.burst && !d.cacheWriteSurcharge() {
		warm = false
	}
	if !warm || len(pending[0].members) < probeMembers+2 {
		return pending, warm, plan
	}
	first := pending[0]
	out = append(out, d.group(first.members[:probeMembers], first.pad), d.group(first.members[probeMembers:], first.pad))
	return append(out, pending[1:]...), warm, plan
}

// probeFirst makes probe, alone, each host's probe in a run whose
// requests share a prefix the provider caches: the rest follow its
// answer, reading the prefix it wrote, where requests sent together
// before any answer would all miss the cache (and at Anthropic each pay
// to write it). The one round trip checks the key, model and URL, brings
// the first rate-limit headers and warms the cache at once. The probe
// streams (see engine.Probing), so the rest leave at its first token:
// Anthropic lets other requests read a prompt's cache once its first
// response begins.
//
// spill lets requests go during that round trip while the hosts' buckets
// are full (engine ProbeSpill), where the cache does not change what they
// count against the limits. OpenAI's token limit counts cached input like
// any other: its prompt-caching guide (developers.openai.com/api/docs/
// guides/prompt-caching) presents caching as a saving in cost and latency
// only, and its rate limiter counts a request's tokens before any cache
// lookup (community.openai.com/t/does-prompt-caching-reduce-tpm/1138631).
// A rate-bound run there would otherwise lose a round trip of refill;
// the few requests sent during it only miss the cached price. Anthropic
// counts input_tokens and cache_creation_input_tokens against ITPM but,
// for most models, not cache_read_input_tokens (its rate-limits page,
// platform.claude.com/docs/en/api/rate-limits, "cache-aware ITPM"): there
// the warm-up itself raises what the limit lets through, and the run
// waits for it.
func probeFirst(opts *engine.Options[*Request, llm.Answer], probe *Request, spill bool) {
	opts.Hosts = slices.Clone(opts.Hosts)
	if len(opts.Hosts) == 0 {
		opts.Hosts = []engine.HostLimits{{}}
	}
	for i := range opts.Hosts {
		opts.Hosts[i].Probe = 1
		opts.Hosts[i].ProbeSpill = spill
	}
	prio := opts.Priority
	opts.Priority = func(r *Request) int {
		if r == probe {
			return math.MaxInt
		}
		return prio(r)
	}
}

// cachedPrefix reports whether the provider caches req's prefix (schema
// and system prompt): the model table gives a minimum it reaches.
func (d *LLM) cachedPrefix(req prompt.Request) bool {
	return d.CacheMinTokens > 0 && prompt.EstimateTokens(req.System)+prompt.EstimateTokens(string(req.Schema)) >= d.CacheMinTokens
}

package dispatch

import (
	"fmt"
	"slices"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// sendPlan is how a run sends its pending constructs.
type sendPlan struct {
	// size is the most constructs one request holds (1: single requests).
	size int
	// burst says the whole job fits what the hosts' buckets allow now, so
	// it goes out at once (see sendAtOnce).
	burst bool
	// slots, when positive, is how many requests the hosts run at once:
	// a job bound by a server's slots has its last groups made smaller so
	// the slots finish together (see chunkByFile).
	slots int
	// note says what was chosen and why, for -v and --json.
	note string
}

// defaultCeiling is the engine's per-host concurrency ceiling when
// HostLimits.MaxConcurrency is unset.
const defaultCeiling = 64

// choose decides how pending goes out. Grouping saves input tokens and
// limit room, which is what a job bound by the rate limits needs; but a
// model decodes a group's decisions one after another, so for a job the
// buckets can take whole, grouping only adds latency. With AdaptGroups
// such a job is sent in the smallest groups that still leave no request
// waiting for a concurrency slot (single requests unless --max-parallel
// or the hosts' ceilings are below the job), and a rate-bound job in full
// groups. --no-group and an explicit --group are kept as given.
func (d *LLM) choose(pending []*Request) sendPlan {
	fits, known, room := d.fitsBuckets(pending)
	// Limits from the model table are a guess at the account's tier: a
	// burst staked on them meets a 429 for every request over the real
	// limit when the account is a lower tier (the bench's (q) account, a
	// quarter of the table, met about 155). So only the account's own
	// limits (given by the user, or remembered from its headers) send a
	// job at once; otherwise the first answer's headers set the pace,
	// whatever the grouping.
	p := sendPlan{size: 1, burst: fits && d.LimitsKnown}
	sentAs := "sent at once"
	if !p.burst {
		sentAs = "the first answer's headers set the pace"
	}
	switch {
	case d.Batch != nil:
		p.burst = false
		p.note = "one request per construct through the batch API"
		return p
	case !d.Group:
		p.note = fmt.Sprintf("one request per construct (--no-group); %s, %s", room, sentAs)
		return p
	case !d.AdaptGroups:
		p.size = prompt.MaxGroupSize
		p.note = fmt.Sprintf("groups of up to %d constructs of a file (--group); %s, %s", p.size, room, sentAs)
		return p
	case !fits:
		p.size = prompt.MaxGroupSize
		if known {
			p.note = fmt.Sprintf("rate-bound: %s; groups of up to %d constructs of a file, which take a fraction of the input tokens and limit room", room, p.size)
			return p
		}
		p.slots = d.startSlots()
		p.note = fmt.Sprintf("bound by the server's capacity: %s; groups of up to %d constructs of a file, which take a fraction of the input tokens and limit room", room, p.size)
		if p.slots > 1 {
			p.note += fmt.Sprintf(", the last ones smaller so %d slots finish together", p.slots)
		}
		return p
	}
	slots := d.allowedConcurrency()
	p.size = min(prompt.MaxGroupSize, max(1, (len(pending)+slots-1)/slots))
	if p.size == 1 {
		p.note = fmt.Sprintf("the job fits the buckets (%s): one request per construct (grouping would only add decode time); %s", room, sentAs)
	} else {
		p.note = fmt.Sprintf("the job fits the buckets (%s) but at most %d requests run at once: groups of up to %d constructs; %s", room, slots, p.size, sentAs)
	}
	return p
}

// fitsBuckets reports whether every pending request, sent alone, fits
// the hosts' request and token buckets as known before the first answer
// (detection: the model table, or --rpm/--tpm; the buckets start full,
// as the providers' do, or as spent as an earlier run left them). A host
// with no known limit (a local server, bound by its slots) never fits,
// and known is false. room describes the comparison.
func (d *LLM) fitsBuckets(pending []*Request) (fits, known bool, room string) {
	hosts := d.Engine.Hosts
	if len(hosts) == 0 || len(pending) == 0 {
		return false, false, "no rate limits known"
	}
	var rpm, tpm int
	allRPM, allTPM := true, true // every host has that limit
	spent := false               // some bucket starts below full
	for _, h := range hosts {
		spent = spent || h.RequestsSpent > 0 || h.TokensSpent > 0
		if h.RPM <= 0 && h.TPM <= 0 {
			return false, false, "no rate limits known, the server's slots bound the job"
		}
		if h.RPM > 0 {
			rpm += max(0, h.RPM-h.RequestsSpent)
		} else {
			allRPM = false
		}
		if h.TPM > 0 {
			tpm += max(0, h.TPM-h.TokensSpent)
		} else {
			allTPM = false
		}
	}
	tokens := 0
	for _, r := range pending {
		tokens += d.limitTokens(r.req)
	}
	fits = (!allRPM || len(pending) <= rpm) && (!allTPM || tokens <= tpm)
	limits := ""
	if allRPM {
		limits = fmt.Sprintf("%d RPM", rpm)
	}
	if allTPM {
		if limits != "" {
			limits += ", "
		}
		limits += fmt.Sprintf("%d TPM", tpm)
	}
	if spent {
		limits += " left of what the last run used"
	}
	return fits, true, fmt.Sprintf("%d requests, ~%d tokens one per construct, against %s", len(pending), tokens, limits)
}

// limitTokens is what req counts against the token limit: prompt and
// answer allowance, or the prompt alone where output has its own limit.
func (d *LLM) limitTokens(req prompt.Request) int {
	if d.InputOnlyTokenLimit {
		return req.EstimatedTokens - req.MaxTokens
	}
	return req.EstimatedTokens
}

// allowedConcurrency is how many requests may be in flight at most: the
// hosts' ceilings, --max-parallel, 1 in sequential mode.
func (d *LLM) allowedConcurrency() int {
	if d.Engine.Sequential {
		return 1
	}
	n := 0
	for _, h := range d.Engine.Hosts {
		if h.MaxConcurrency > 0 {
			n += h.MaxConcurrency
		} else {
			n += defaultCeiling
		}
	}
	if d.Engine.MaxInFlight > 0 {
		n = min(n, d.Engine.MaxInFlight)
	}
	return max(1, n)
}

// startSlots is how many requests the hosts start with at once: for a
// local server, the slots detection found (see the command line's
// hostLimits). The engine may grow past it; the plan only needs the
// slots it can count on, and smaller last requests still keep those from
// idling behind one long group.
func (d *LLM) startSlots() int {
	if d.Engine.Sequential {
		return 1
	}
	n := 0
	for _, h := range d.Engine.Hosts {
		n += h.StartConcurrency
	}
	if d.Engine.MaxInFlight > 0 {
		n = min(n, d.Engine.MaxInFlight)
	}
	return n
}

// sendAtOnce lets a job that fits the hosts' buckets go out at once, as
// a processor told the limits would send it: each host starts at the
// whole job (within its ceiling) and without the probe that otherwise
// holds everything until the first answer. The buckets still pace it,
// and the first answers' headers and any 429 correct them. A wrong key,
// model or URL then fails every request at once instead of a few; those
// are refused before any token is billed, and the run stops on them.
func sendAtOnce(opts *engine.Options[*Request, llm.Answer], n int) {
	opts.Hosts = slices.Clone(opts.Hosts)
	for i := range opts.Hosts {
		h := &opts.Hosts[i]
		ceiling := h.MaxConcurrency
		if ceiling <= 0 {
			ceiling = defaultCeiling
		}
		h.Probe = 0
		h.StartConcurrency = max(h.StartConcurrency, min(n, ceiling))
	}
}

// cacheWriteSurcharge reports whether writing the prompt cache costs more
// than plain input (Anthropic's 1.25x): then requests sent together before
// the cache is written would each pay it, and a job that fits the buckets
// still waits for the warm-up. OpenAI charges nothing extra for writes
// (its prompt-caching guide: automatic, "no additional fees"), so there a
// job that fits goes at once, paying the full input price for the prefix
// of its first requests instead of a round trip.
func (d *LLM) cacheWriteSurcharge() bool {
	if d.Price == nil {
		return false
	}
	const n = 1_000_000
	return d.Price(llm.Usage{InputTokens: n, CacheWriteTokens: n}, false) > d.Price(llm.Usage{InputTokens: n}, false)
}

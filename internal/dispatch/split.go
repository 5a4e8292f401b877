package dispatch

import (
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// A request longer than the model accepts is split rather than failed:
// the grouping and the code budget keep requests inside the context
// window as estimated, but the estimate counts four bytes a token and a
// server's real limit may be lower than the table's. A group the server
// refuses as too long is asked again as two halves; a single construct,
// with half the code budget (the middle of its code elided), down to the
// smallest budget a decision can be made from. A group dearer than what
// is left of the --budget is halved the same way, so the constructs that
// still fit are asked rather than all falling back.

// minSplitCodeTokens is the smallest code budget a too-long single
// request is retried with.
const minSplitCodeTokens = 256

// maxAskRounds bounds the rounds of asking again (members a group's
// answer left out, halves of a group, trimmed singles), so a server that
// refuses everything cannot keep a run going.
const maxAskRounds = 6

// split queues smaller requests in place of r, which the server refused
// as too long (or, for a group, the budget could not pay for), and
// reports whether it could. Callers hold the stats lock.
func (d *LLM) split(r *Request) bool {
	if len(r.members) > 1 {
		half := len(r.members) / 2
		for _, part := range [][]*Request{r.members[:half], r.members[half:]} {
			d.alone = append(d.alone, d.group(part, r.pad))
		}
		return true
	}
	budget := r.codeTokens
	if budget <= 0 {
		budget = d.PromptOptions.MaxCodeTokens
	}
	if budget <= 0 {
		budget = prompt.DefaultMaxCodeTokens
	}
	if budget/2 < minSplitCodeTokens {
		return false
	}
	opts := d.PromptOptions
	opts.MaxCodeTokens = budget / 2
	r.codeTokens = opts.MaxCodeTokens
	r.req = prompt.BuildWith(r.src, r.cons, opts) // r.key stays: the cache keeps the question as first asked
	d.alone = append(d.alone, r)
	return true
}

// tooLong reports a refusal that split can answer.
func tooLong(err error) bool { return llm.KindOf(err) == llm.TooLong }

package prompt

import (
	_ "embed"
	"strings"
)

// Providers cache a prompt prefix only from a model-dependent length on
// (Anthropic: 4,096 tokens for Haiku 4.5 and Opus 4.5+, 2,048 for Haiku
// 3.x); below it every request pays the whole prefix at the input price.
// The plain grouped prefix (schema and system prompt, about 1,600 tokens)
// is below those minimums, so for such models it can be extended with
// worked examples: a longer prefix written once and read at a tenth of the
// price costs less over a run of several requests than the short one paid
// in full each time. Whether it does is the caller's decision (it knows
// the prices and how many requests the run sends); this file only builds
// the padded text, the same bytes for every request of one length.

//go:embed v4group/examples.md
var examples string

// padMargin is how far past the minimum the padded prefix goes: the
// estimate counts four bytes a token, a real tokenizer may count fewer
// tokens, and a prefix a token short of the minimum is not cached at all.
const padMargin = 1.1

// PrefixTokens estimates the cacheable prefix of grouped requests (system
// prompt and schema) when padded to padTo (0: not padded).
func PrefixTokens(padTo int) int {
	return EstimateTokens(PadSystem(padTo)) + EstimateTokens(string(GroupSchema()))
}

// CanPad reports whether the worked examples are long enough to bring the
// grouped prefix to padTo tokens with the margin.
func CanPad(padTo int) bool {
	return padTo > 0 && float64(EstimateTokens(systemV1+examples)+EstimateTokens(string(GroupSchema()))) >= padMargin*float64(padTo)
}

// PadSystem returns the system prompt of grouped requests: v1's, followed,
// when padTo > 0 and the prefix is shorter than padTo with the margin, by
// as many whole example sections, in order, as bring it there. A padTo
// the examples cannot reach (see CanPad) gets them all.
func PadSystem(padTo int) string {
	schema := EstimateTokens(string(GroupSchema()))
	need := int(padMargin * float64(padTo))
	if padTo <= 0 || EstimateTokens(systemV1)+schema >= need {
		return systemV1
	}
	var b strings.Builder
	b.WriteString(systemV1)
	rest := examples
	for rest != "" && EstimateTokens(b.String())+schema < need {
		i := strings.Index(rest[1:], "\n## ")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i+1])
		rest = rest[i+1:]
	}
	return b.String()
}

package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// GroupVersion is the version of the grouped prompt: several constructs of
// one file in one request, answered by a list of decisions. The system
// prompt is v1's, byte for byte, unless padded (PadSystem); the user
// message layout and the schema are its own. It is part of the cache keys
// of grouped runs. v4 made the sections compact: the file once, no
// identifiers in scope, long docstrings cut to their summary, and a loop
// or variable inside a function shown in the same request given by its
// first line.
const GroupVersion = "v4-group"

// GroupSchemaName names the grouped schema.
const GroupSchemaName = "telemetry_decisions"

// GroupMarker starts each construct's section of a grouped user message,
// followed by its id in the request (GroupID) and " ===".
const GroupMarker = "=== Construct "

// GroupID is the id of the i-th construct (from 0) of a grouped request:
// its number from 1. A request's own short numbers, not construct IDs,
// cost a few tokens in the prompt and in each decision of the answer.
func GroupID(i int) string { return strconv.Itoa(i + 1) }

// groupAnswerTokens is the answer budget per construct of a group: a
// decision is 60 to 120 tokens (the longest with a skip reason), and its
// id a few more.
const groupAnswerTokens = 150

// maxGroupAnswerTokens caps a group's answer budget; groups are cut to
// fit. With the base allowance it stays under 4,096 tokens, the most
// output the oldest supported models (Claude 3 Haiku and Opus) allow.
const maxGroupAnswerTokens = 3750

// MaxGroupSize is the most constructs one grouped request holds.
const MaxGroupSize = maxGroupAnswerTokens / groupAnswerTokens

// GroupSchema returns the grouped answer's JSON schema: an object holding
// the array "decisions" (strict structured output needs an object at the
// top), each item the v1 Decision plus its construct's "id".
func GroupSchema() []byte {
	var item map[string]any
	if err := json.Unmarshal([]byte(schemaV1), &item); err != nil {
		panic(fmt.Sprintf("embedded decision schema: %v", err)) // a build defect
	}
	props := item["properties"].(map[string]any)
	props["id"] = map[string]any{"type": "string", "description": "The number of the construct, as given above its section."}
	item["required"] = append([]any{"id"}, item["required"].([]any)...)
	delete(item, "description")
	schema := map[string]any{
		"type":        "object",
		"description": "telemetry-inject decisions, grouped: one Decision per construct of the request.",
		"properties": map[string]any{
			"decisions": map[string]any{"type": "array", "items": item,
				"description": "One decision per construct, in the order given, each with its construct id."},
		},
		"required":             []any{"decisions"},
		"additionalProperties": false,
	}
	b, err := json.Marshal(schema) // map keys sorted: the same bytes every time
	if err != nil {
		panic(err)
	}
	return b
}

// BuildGroup returns one request for the decisions about constructs cons,
// all of file f, in source order. The file and language are said once;
// each construct's section (see section) has its own untrusted-code
// fence. opts.PadPrefixTo extends the cacheable prefix (see PadSystem).
func BuildGroup(f *source.File, cons []*source.Construct, opts Options) Request {
	if opts.MaxCodeTokens <= 0 {
		opts.MaxCodeTokens = DefaultMaxCodeTokens
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Decide the telemetry for each of the %d constructs below, all from the %s file %s. "+
		"Answer with one JSON object {\"decisions\": [...]} holding one Decision per construct, in the order given, "+
		"each with \"id\" set to the number of its construct. Decide each construct on its own, as if it were asked alone. "+
		"A construct inside another one shown above is given by its first line; its code is in that construct's code.\n",
		len(cons), c0lang(cons), meta(f.Path))
	var whole []shown
	for i, c := range cons {
		if id := GroupID(i); section(&b, f, c, id, whole, opts.MaxCodeTokens) {
			whole = append(whole, shown{c, id})
		}
	}
	user := b.String()
	schema := GroupSchema()
	system := PadSystem(opts.PadPrefixTo)
	maxTokens := min(groupAnswerTokens*len(cons)+DefaultMaxTokens/2, maxGroupAnswerTokens+DefaultMaxTokens/2)
	est := EstimateTokens(system) + EstimateTokens(user) + EstimateTokens(string(schema)) + 3*messageOverhead
	return Request{
		ConstructID:     cons[0].ID,
		System:          system,
		User:            user,
		SchemaName:      GroupSchemaName,
		Schema:          schema,
		MaxTokens:       maxTokens,
		EstimatedTokens: est + maxTokens,
		Version:         GroupVersion,
	}
}

// SectionTokens estimates the input tokens construct c adds to a grouped
// request when shown with its own code, the most it can add, so callers
// can fill requests up to a token budget.
func SectionTokens(f *source.File, c *source.Construct, opts Options) int {
	if opts.MaxCodeTokens <= 0 {
		opts.MaxCodeTokens = DefaultMaxCodeTokens
	}
	var b strings.Builder
	section(&b, f, c, GroupID(MaxGroupSize-1), nil, opts.MaxCodeTokens)
	return EstimateTokens(b.String()) + groupAnswerTokens
}

// GroupFixedTokens estimates what a grouped request costs before its
// sections: system prompt (padded to padTo), schema, instructions and
// the answer's base allowance.
func GroupFixedTokens(padTo int) int {
	return EstimateTokens(PadSystem(padTo)) + EstimateTokens(string(GroupSchema())) + 3*messageOverhead + 100 + DefaultMaxTokens/2
}

func c0lang(cons []*source.Construct) string {
	if len(cons) == 0 {
		return ""
	}
	return string(cons[0].Lang)
}

// ParseGroup reads a grouped answer and returns each decision by construct
// id, without its "id", ready for decide.Parse. It fails only when the
// answer as a whole is unusable; a missing or duplicated id just leaves
// that construct out, for the caller to ask again alone.
func ParseGroup(raw []byte) (map[string][]byte, error) {
	var ans struct {
		Decisions []map[string]json.RawMessage `json:"decisions"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(raw)))
	if err := dec.Decode(&ans); err != nil {
		return nil, fmt.Errorf("the grouped answer is not an object holding a decisions array: %w", err)
	}
	if ans.Decisions == nil {
		return nil, fmt.Errorf("the grouped answer has no decisions array")
	}
	out := map[string][]byte{}
	seen := map[string]bool{}
	for _, d := range ans.Decisions {
		var id string
		if json.Unmarshal(d["id"], &id) != nil || id == "" {
			continue
		}
		delete(d, "id")
		if seen[id] {
			delete(out, id) // two answers for one construct: trust neither
			continue
		}
		seen[id] = true
		b, err := json.Marshal(d)
		if err != nil {
			continue
		}
		out[id] = b
	}
	return out, nil
}

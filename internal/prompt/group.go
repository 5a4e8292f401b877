package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// GroupVersion is the version of the grouped prompt: several constructs of
// one function in one request, answered by a list of decisions. The system
// prompt is v1's, byte for byte, so the cacheable prefix (schema aside) is
// shared with single requests; the user message layout and the schema are
// new. It is part of the cache keys of grouped runs.
const GroupVersion = "v3-group"

// GroupSchemaName names the grouped schema.
const GroupSchemaName = "telemetry_decisions"

// GroupMarker starts each construct's section of a grouped user message,
// followed by the construct's id and " ===".
const GroupMarker = "=== Construct id: "

// groupAnswerTokens is the answer budget per construct of a group: a
// decision is 60 to 120 tokens, and the id adds a few.
const groupAnswerTokens = 200

// maxGroupAnswerTokens caps a group's answer budget; groups are cut to fit.
const maxGroupAnswerTokens = 4096

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
	props["id"] = map[string]any{"type": "string", "description": "The construct id given above the construct's section, copied exactly."}
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
// all of file f. Each construct's section is its single request's user
// message under a GroupMarker line, so every construct's code keeps its
// own untrusted-code fence.
func BuildGroup(f *source.File, cons []*source.Construct, opts Options) Request {
	if opts.MaxCodeTokens <= 0 {
		opts.MaxCodeTokens = DefaultMaxCodeTokens
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Decide the telemetry for each of the %d constructs below, all from one file. "+
		"Answer with one JSON object {\"decisions\": [...]} holding one Decision per construct, in the order given, "+
		"each with \"id\" set to the construct id of its section. Decide each construct on its own, as if it were asked alone.\n", len(cons))
	for _, c := range cons {
		section := userMessage(f, c, opts.MaxCodeTokens)
		// The single message's first line asks for one object; the
		// group's instruction above replaces it.
		_, section, _ = strings.Cut(section, "\n\n")
		fmt.Fprintf(&b, "\n%s%s ===\n%s", GroupMarker, c.ID, section)
	}
	user := b.String()
	schema := GroupSchema()
	maxTokens := min(groupAnswerTokens*len(cons)+DefaultMaxTokens/2, maxGroupAnswerTokens+DefaultMaxTokens/2)
	est := EstimateTokens(systemV1) + EstimateTokens(user) + EstimateTokens(string(schema)) + 3*messageOverhead
	return Request{
		ConstructID:     cons[0].ID,
		System:          systemV1,
		User:            user,
		SchemaName:      GroupSchemaName,
		Schema:          schema,
		MaxTokens:       maxTokens,
		EstimatedTokens: est + maxTokens,
		Version:         GroupVersion,
	}
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

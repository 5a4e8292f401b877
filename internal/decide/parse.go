package decide

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// decisionFields are the keys of the Decision JSON schema, version 1
// (internal/prompt/schema/decision.v1.json). encoding/json matches keys
// case-insensitively; an answer must use these exact spellings.
func decisionFields() map[string]bool {
	return map[string]bool{
		"skip": true, "reason": true, "name": true, "attributes": true,
		"record_exceptions": true, "count_iterations": true,
		"record_value": true, "sensitive": true,
	}
}

// Parse decodes a model's answer for c and validates it. The answer must
// be one JSON object with the keys of the Decision schema and nothing else:
// an unknown or misspelt key, a wrong type, a second value or trailing text
// is an error wrapping ErrInvalid. Missing keys take their zero value, so a
// model that omits "reason" or "sensitive" is not punished for it. A single
// Markdown code fence around the object is removed first, because models
// without structured-output support often add one.
func Parse(c *source.Construct, raw []byte) (source.Decision, error) {
	body := stripFence(bytes.TrimSpace(raw))
	if len(body) == 0 {
		return source.Decision{}, invalid("empty answer")
	}
	var keys map[string]json.RawMessage
	if err := decodeOne(body, &keys); err != nil {
		return source.Decision{}, invalid("answer is not one JSON object: %v", err)
	}
	if keys == nil {
		return source.Decision{}, invalid("answer is null, want a JSON object")
	}
	allowed := decisionFields()
	for k := range keys {
		if !allowed[k] {
			return source.Decision{}, invalid("unknown field %q", truncate(k, 60))
		}
	}
	var d source.Decision
	if err := json.Unmarshal(body, &d); err != nil {
		return source.Decision{}, invalid("%v", describeJSONError(err))
	}
	return Validate(c, d)
}

// decodeOne decodes exactly one JSON value from b.
func decodeOne(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the object")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err == nil {
		return fmt.Errorf("trailing data after the object")
	}
	return nil
}

// describeJSONError names the field of a type mismatch.
func describeJSONError(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
		return fmt.Sprintf("field %q must be a JSON %s, not %s", te.Field, jsonType(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func jsonType(goKind string) string {
	switch goKind {
	case "bool":
		return "boolean"
	case "slice":
		return "array of strings"
	}
	return goKind
}

// stripFence removes one Markdown code fence (```json ... ```) around b.
func stripFence(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("```")) || !bytes.HasSuffix(b, []byte("```")) || len(b) < 6 {
		return b
	}
	inner := b[3 : len(b)-3]
	nl := bytes.IndexByte(inner, '\n')
	if nl < 0 {
		return bytes.TrimSpace(inner)
	}
	if tag := strings.TrimSpace(string(inner[:nl])); tag != "" && tag != "json" && tag != "JSON" {
		return b
	}
	return bytes.TrimSpace(inner[nl+1:])
}

package llm

import (
	"bytes"
	"encoding/json"
	"strings"
)

// ExtractObject returns the JSON object in a model's text answer. Strict
// structured output gives the bare object; servers without it (some
// OpenAI-compatible ones, small local models) wrap it in a Markdown fence or
// add a sentence around it, which is tolerated as long as exactly one
// object can be cut out. It reports false when there is no valid object.
func ExtractObject(text string) ([]byte, bool) {
	s := strings.TrimSpace(text)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```")
		if nl := strings.IndexByte(s, '\n'); nl >= 0 {
			s = s[nl+1:] // drop the fence's language tag
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
	}
	if isObject(s) {
		return []byte(s), true
	}
	start, end := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}')
	if start >= 0 && end > start && isObject(s[start:end+1]) {
		return []byte(s[start : end+1]), true
	}
	return nil, false
}

func isObject(s string) bool {
	b := []byte(s)
	return len(b) > 0 && b[0] == '{' && json.Valid(b) && bytes.HasSuffix(bytes.TrimSpace(b), []byte("}"))
}

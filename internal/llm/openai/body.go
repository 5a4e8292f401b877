package openai

import (
	"encoding/json"
	"strconv"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Decide writes its request body itself instead of through the SDK's
// params: marshaling sdk.ChatCompletionNewParams walks the params by
// reflection, re-escapes the kilobytes of system prompt and re-validates
// the schema for every request (40 to 80 µs and 50 KB each, against
// about 7 µs and 7 KB here: BenchmarkRequestBody), and a burst of
// hundreds of requests pays that on the critical path before the last of
// them leaves. The body is the same JSON (see TestBodyMatchesSDK); the
// batch client still uses params.

// sharedBody is the part of a chat completion body that every request of
// one prompt (system prompt and schema) shares, rendered once.
type sharedBody struct {
	system, schemaName string
	schema             []byte
	// head runs up to the user message's content; tail from after it to
	// the closing brace, less the answer cap.
	head, tail []byte
}

// bodies keeps the shared parts of the prompts a client sends. A run
// uses one or two (single and grouped requests), a padded prefix a few
// more; the oldest is dropped past maxSharedBodies.
type bodies struct {
	mu   sync.Mutex
	list []*sharedBody
}

const maxSharedBodies = 8

func (c *Client) shared(req prompt.Request) (*sharedBody, error) {
	c.bodies.mu.Lock()
	defer c.bodies.mu.Unlock()
	for _, s := range c.bodies.list {
		if s.system == req.System && s.schemaName == req.SchemaName && string(s.schema) == string(req.Schema) {
			return s, nil
		}
	}
	s, err := c.renderShared(req)
	if err != nil {
		return nil, err
	}
	if len(c.bodies.list) == maxSharedBodies {
		c.bodies.list = c.bodies.list[1:]
	}
	c.bodies.list = append(c.bodies.list, s)
	return s, nil
}

func (c *Client) renderShared(req prompt.Request) (*sharedBody, error) {
	type jsonSchema struct {
		Name   string          `json:"name"`
		Strict bool            `json:"strict"`
		Schema json.RawMessage `json:"schema"`
	}
	type responseFormat struct {
		Type       string     `json:"type"`
		JSONSchema jsonSchema `json:"json_schema"`
	}
	system, err := json.Marshal(req.System)
	if err != nil {
		return nil, err
	}
	model, err := json.Marshal(c.model)
	if err != nil {
		return nil, err
	}
	rf, err := json.Marshal(responseFormat{Type: "json_schema", JSONSchema: jsonSchema{Name: req.SchemaName, Strict: true, Schema: req.Schema}})
	if err != nil {
		return nil, err
	}
	s := &sharedBody{system: req.System, schemaName: req.SchemaName, schema: req.Schema}
	s.head = append(append([]byte(`{"messages":[{"role":"system","content":`), system...), `},{"role":"user","content":`...)
	s.tail = append(append(append([]byte(`}],"model":`), model...), `,"response_format":`...), rf...)
	if c.provider == llm.OpenAI {
		// See params: OpenAI routes requests sharing this prefix to one
		// cache.
		key, err := json.Marshal(CacheKey(req))
		if err != nil {
			return nil, err
		}
		s.tail = append(append(s.tail, `,"prompt_cache_key":`...), key...)
	}
	return s, nil
}

// body renders req as the JSON body of a chat completion: what
// c.params(req) marshals to.
func (c *Client) body(req prompt.Request) ([]byte, error) {
	s, err := c.shared(req)
	if err != nil {
		return nil, err
	}
	user, err := json.Marshal(req.User)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(s.head)+len(user)+len(s.tail)+40)
	b = append(append(append(b, s.head...), user...), s.tail...)
	if req.MaxTokens > 0 {
		// See params for which name each server takes.
		if c.provider == llm.OpenAI {
			b = append(b, `,"max_completion_tokens":`...)
		} else {
			b = append(b, `,"max_tokens":`...)
		}
		b = strconv.AppendInt(b, int64(req.MaxTokens), 10)
	}
	return append(b, '}'), nil
}

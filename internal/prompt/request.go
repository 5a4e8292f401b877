// Package prompt turns a construct into a provider-neutral request for a
// decision: the versioned, embedded prompt text, the construct's code with
// enough context, and the Decision JSON schema the answer must follow.
package prompt

// Request asks a model for the Decision about one construct. Providers turn
// it into their own wire format; nothing here is provider-specific.
type Request struct {
	// ConstructID is the ID of the construct the request is about.
	ConstructID string
	// System is the system prompt: the instructions, same for every request
	// of one prompt version.
	System string
	// User is the per-construct message: its code and context.
	User string
	// SchemaName names the JSON schema (OpenAI's response_format name,
	// Anthropic's tool name).
	SchemaName string
	// Schema is the JSON schema the answer must follow, as JSON.
	Schema []byte
	// MaxTokens bounds the answer's length.
	MaxTokens int
	// EstimatedTokens estimates the prompt's input tokens plus MaxTokens,
	// for rate limiting before the provider reports the real usage.
	EstimatedTokens int
	// Version is the prompt version, part of every cache key.
	Version string
}

package source

// DecisionVersion is the version of the Decision JSON schema. It is part of
// every prompt and of every cache key, and changes whenever the meaning of a
// field changes.
const DecisionVersion = 1

// Decision is what a planner (the built-in one or an LLM) decides about one
// construct. It is data, never code: the renderer writes every character of
// the injected code from it after it has been validated.
//
// Fields apply by kind:
//   - function: Name is the span name; Attributes are parameter names
//     recorded on the span, by their shape (type name, a builtin
//     container's size) unless RecordValue is set, which only a run that
//     opted in to recording values allows; RecordExceptions records a
//     raised exception on the span.
//   - loop: Name is the event name; CountIterations counts iterations onto
//     the enclosing span.
//   - variable: Name is the event key; the event carries the value's shape
//     (type name, a builtin container's size), and the value itself only
//     when RecordValue is set, which only a run that opted in to recording
//     values allows; Sensitive marks a value whose shape is not recorded
//     either.
type Decision struct {
	Skip             bool     `json:"skip"`
	Reason           string   `json:"reason,omitempty"`
	Name             string   `json:"name"`
	Attributes       []string `json:"attributes"`
	RecordExceptions bool     `json:"record_exceptions"`
	CountIterations  bool     `json:"count_iterations"`
	RecordValue      bool     `json:"record_value"`
	Sensitive        bool     `json:"sensitive"`
}

// Origin says which planner produced a construct's decision, for reports.
type Origin string

// The origins a decision can have.
const (
	OriginLLM      Origin = "llm"      // an LLM answer that passed validation
	OriginBuiltin  Origin = "builtin"  // the built-in planner, by choice
	OriginFallback Origin = "fallback" // the built-in planner after an LLM answer failed
	OriginCache    Origin = "cache"    // a cached LLM answer
)

package llmtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// Answer replies with decision as the answer.
func Answer(decision string) Reply { return Reply{Decision: decision} }

// Malformed replies with content that is not a decision: free text for
// OpenAI and Ollama, a text block without the tool call for Anthropic.
func Malformed(content string) Reply { return Reply{Content: content} }

// Fail replies with an HTTP error status in the provider's error format,
// with the code, type and message the provider sends for it.
func Fail(status int) Reply { return Reply{Status: status} }

// RateLimited replies 429 with a rate-limit error and the retry-after
// header (seconds, or an HTTP date) when retryAfter is not empty.
func RateLimited(retryAfter string) Reply { return Reply{Status: 429, RetryAfter: retryAfter} }

// QuotaExceeded replies 429 insufficient_quota (OpenAI), or 400 with the
// credit-balance message (Anthropic): a failure no retry can fix.
func QuotaExceeded() Reply { return Reply{Status: 429, Code: "insufficient_quota"} }

// Overloaded replies what each provider sends when it is too busy:
// OpenAI 503, Anthropic 529 overloaded_error, Ollama 503 "server busy".
func Overloaded() Reply { return Reply{Status: 529} }

// Hang replies never; the request ends when the client gives up.
func Hang() Reply { return Reply{Hang: true} }

// Always answers every request with r.
func Always(r Reply) Responder { return func(Request) Reply { return r } }

// Sequence answers the n-th request with replies[n-1] and every request
// after the last with the last reply.
func Sequence(replies ...Reply) Responder {
	return func(req Request) Reply {
		if len(replies) == 0 {
			return Reply{}
		}
		return replies[min(req.N, len(replies))-1]
	}
}

// WithDelay delays every reply of next by d.
func WithDelay(d time.Duration, next Responder) Responder {
	return func(r Request) Reply {
		rep := next(r)
		rep.Delay += d
		return rep
	}
}

// Echo answers every request for a construct with a valid Decision (schema
// v1) whose name is NameFor the request's text, so end-to-end tests can
// check that each construct received its own answer: functions record
// exceptions, loops count iterations, variables record nothing.
//
// A grouped request (sections under prompt.GroupMarker lines) is answered
// with {"decisions": [...]}, each section's Echo decision with its id.
func Echo() Responder {
	return func(r Request) Reply {
		if strings.Contains(r.User, prompt.GroupMarker) {
			return Answer(EchoGroup(r.User))
		}
		return Answer(EchoDecision(r.User))
	}
}

// EchoGroup returns the grouped answer Echo gives a grouped user message.
func EchoGroup(user string) string {
	var ds []json.RawMessage
	sections := strings.Split(user, prompt.GroupMarker)[1:]
	for _, sec := range sections {
		id, body, _ := strings.Cut(sec, " ===\n")
		var d map[string]any
		if err := json.Unmarshal([]byte(EchoDecision(body)), &d); err != nil {
			panic(err) // EchoDecision always returns an object
		}
		d["id"] = id
		b, _ := json.Marshal(d)
		ds = append(ds, b)
	}
	b, _ := json.Marshal(map[string]any{"decisions": ds})
	return string(b)
}

// EchoDecision returns the decision Echo answers for the user message text.
func EchoDecision(user string) string {
	f := fields(user)
	d := map[string]any{
		"skip":              false,
		"reason":            "",
		"name":              NameFor(user),
		"attributes":        []string{},
		"record_exceptions": f["Kind"] == "function",
		"count_iterations":  f["Kind"] == "loop",
		"record_value":      false,
		"sensitive":         false,
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // a map of strings and bools always marshals
	}
	return string(b)
}

// NameFor derives the name Echo answers from the user message the prompt
// package builds: "llm." plus, for a function, its qualified name; for a
// loop, the enclosing function's qualified name (or "module") and
// ".loop<ordinal>"; for a variable, the enclosing qualified name and the
// variable's name. Characters the Decision name pattern forbids become "_".
func NameFor(user string) string {
	f := fields(user)
	enclosing := f["Enclosing function qualified name"]
	if enclosing == "" || strings.HasPrefix(enclosing, "none") {
		enclosing = "module"
	}
	var name string
	switch f["Kind"] {
	case "function":
		name = f["Qualified name"]
		if name == "" {
			name = f["Name"]
		}
	case "loop":
		name = enclosing + ".loop" + ordinal(f)
	case "variable":
		name = enclosing + "." + f["Name"]
	default:
		name = "unknown"
	}
	name = "llm." + badNameChars.ReplaceAllString(name, "_")
	if len(name) > 128 {
		name = name[:128]
	}
	return name
}

var badNameChars = regexp.MustCompile(`[^A-Za-z0-9_.:-]`)

// fields reads the "Key: value" metadata lines at the top of a user message.
func fields(user string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(user, "\n") {
		if strings.HasPrefix(line, "-----") || strings.HasPrefix(line, "BEGIN UNTRUSTED CODE") {
			break // the untrusted code starts: nothing after it is metadata
		}
		k, v, ok := strings.Cut(line, ": ")
		if ok && !strings.ContainsAny(k, "\t") {
			if _, seen := out[k]; !seen {
				out[k] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// ordinal finds the 1-based ordinal line ("Ordinal among the loops of the
// same function: 2 (first is 1)").
func ordinal(f map[string]string) string {
	for k, v := range f {
		if strings.HasPrefix(k, "Ordinal") {
			n, _, _ := strings.Cut(v, " ")
			if _, err := strconv.Atoi(n); err == nil {
				return n
			}
		}
	}
	return fmt.Sprint(0)
}

// RefusingStreams answers a streamed request with a 400, as a server
// that does not know "stream" or "stream_options" does, and any other
// request as respond does.
func RefusingStreams(respond Responder) Responder {
	return func(r Request) Reply {
		if r.Stream {
			return Reply{Status: 400, Type: "invalid_request_error", Message: "Unrecognized request argument supplied: stream_options"}
		}
		return respond(r)
	}
}

// Package llmtest runs fake OpenAI, Anthropic and Ollama servers on the
// loopback interface for tests. Each speaks its provider's real wire format
// (bodies, headers, error shapes) closely enough that the official SDKs
// cannot tell the difference, and is scripted per request by a Responder:
// answer a decision, a malformed reply, an error, a delay or a hang.
// Every request is counted and recorded so tests can check what was sent.
//
// A typical test:
//
//	s := llmtest.NewOpenAI(t, llmtest.Sequence(llmtest.RateLimited("1"), llmtest.Answer(decision)))
//	client, _ := openai.New(llm.Config{Provider: llm.OpenAI, BaseURL: s.URL(), APIKey: "sk-test"})
//	... client.Decide(ctx, req) twice ...
//	s.Count(), s.Requests()[0].Body
//
// End-to-end tests of the command use Echo, which answers each construct
// with a valid decision named NameFor its request, and point the tool at
// s.URL() through LLM_BASE_URL, OPENAI_BASE_URL, ANTHROPIC_BASE_URL or
// OLLAMA_HOST.
package llmtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Request is one request as the fake server received it.
type Request struct {
	// N numbers the requests from 1 in arrival order.
	N int
	// Method and Path are the HTTP method and URL path.
	Method, Path string
	// Header holds the request headers, API key included, so a test can
	// check the key was sent.
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// Model is the model the request names.
	Model string
	// System is the system prompt (OpenAI system message, Anthropic system
	// field, Ollama system message).
	System string
	// User is the text of the user messages, joined by newlines.
	User string
	// Prefix is the part of the prompt the provider would cache: for
	// OpenAI the response_format schema and the system prompt (it caches
	// every prompt's prefix on its own), for Anthropic the tools and the
	// system blocks up to the last cache_control mark (empty when the
	// request marks none).
	Prefix string
	// PrefixCached says an earlier request to this server, for the same
	// model, with the same Prefix long enough to be cached, had been
	// answered when this one arrived: this one reads it from the cache,
	// as the real API would within its cache lifetime.
	PrefixCached bool
	// Stream says the request asked for a streamed answer (OpenAI's
	// "stream": true).
	Stream bool

	cacheMin int // the shortest Prefix the provider caches, in tokens
}

// Reply is what the fake server answers to one request. The zero Reply is a
// successful answer with an empty object as the decision.
type Reply struct {
	// Decision is the decision JSON to answer with: the message content for
	// OpenAI and Ollama, the tool call's input for Anthropic.
	Decision string
	// Content, when set, replaces the decision by free text: OpenAI and
	// Ollama send it as the message content, Anthropic as a text block with
	// no tool call at all. It is how tests send malformed answers.
	Content string
	// Truncated marks the answer as cut off at the token limit (OpenAI
	// finish_reason "length", Anthropic stop_reason "max_tokens", Ollama
	// done_reason "length").
	Truncated bool
	// Status, when 400 or more, makes the reply an error in the provider's
	// error format.
	Status int
	// Code and Type fill the error body (OpenAI error.code and error.type,
	// Anthropic error.type); empty means what the provider sends for
	// Status. Message likewise.
	Code, Type, Message string
	// RetryAfter and RetryAfterMS set the retry-after and retry-after-ms
	// headers verbatim.
	RetryAfter, RetryAfterMS string
	// Body, when set, is sent verbatim (with Status, or 200) instead of a
	// rendered body: an HTML page from a proxy, truncated JSON.
	Body string
	// Header adds or replaces response headers, after the defaults
	// (rate-limit headers included, so a test can override them).
	Header http.Header
	// Delay waits this long before answering, or until the client gives up.
	// A streamed answer's headers come first (see FirstByte), and its
	// content Delay after them.
	Delay time.Duration
	// FirstByte is how long a streamed answer's headers and first chunk
	// take (the model's time to its first token); 0 sends them at once.
	FirstByte time.Duration
	// Hang never answers: the handler waits until the client goes away or
	// the server closes.
	Hang bool
	// InputTokens and OutputTokens are the usage to report; zero means an
	// estimate from the text lengths.
	InputTokens, OutputTokens int
}

// Responder chooses the reply to each request. It is called concurrently
// when requests arrive in parallel.
type Responder func(Request) Reply

// Server is a running fake provider. It stops when the test ends.
type Server struct {
	srv  *httptest.Server
	base string
	done chan struct{}

	mu       sync.Mutex
	requests []Request
	prefixes map[string]bool // model and Prefix of every cacheable request
	inFlight int
	maxIn    int
}

// start runs handler on a loopback httptest server, stopped (hanging
// handlers released first) when t ends.
func start(t testing.TB, suffix string, handler func(s *Server, w http.ResponseWriter, r *http.Request)) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.inFlight++
		s.maxIn = max(s.maxIn, s.inFlight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}()
		handler(s, w, r)
	}))
	s.base = s.srv.URL + suffix
	// Cleanups run last-registered first: release hanging handlers, then
	// close, which waits for every handler to return.
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.done) })
	return s
}

// URL returns the base URL to configure a client with: with "/v1" for
// OpenAI (as OPENAI_BASE_URL carries it), without for Anthropic and Ollama.
func (s *Server) URL() string { return s.base }

// Requests returns a copy of every request received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests the scripted endpoint received
// (metadata endpoints such as Ollama's /api/tags are not counted).
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// MaxInFlight returns the largest number of requests the server was
// handling at once, for tests of a client's parallelism.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// record reads r's body, numbers the request and stores it.
func (s *Server) record(r *http.Request, parse func(body []byte, req *Request)) Request {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	parse(body, &req)
	s.mu.Lock()
	if req.cacheable() {
		req.PrefixCached = s.prefixes[req.Model+"\x00"+req.Prefix]
	}
	req.N = len(s.requests) + 1
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	return req
}

// answered marks req's prefix cached, as the provider does once it
// answers a request with it: requests that arrived before, still in
// flight, missed the cache (and, at Anthropic, each wrote it).
func (s *Server) answered(req Request) {
	if !req.cacheable() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prefixes == nil {
		s.prefixes = map[string]bool{}
	}
	s.prefixes[req.Model+"\x00"+req.Prefix] = true
}

// wait applies the reply's Delay and Hang. It reports false when the
// client went away (or the server is closing), so nothing is written.
func (s *Server) wait(r *http.Request, rep Reply) bool {
	if rep.Hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return false
	}
	if rep.Delay > 0 {
		timer := time.NewTimer(rep.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return false
		case <-s.done:
			return false
		}
	}
	return true
}

// writeRaw sends a verbatim body when the reply asks for one.
func writeRaw(w http.ResponseWriter, rep Reply) bool {
	if rep.Body == "" {
		return false
	}
	setHeaders(w, rep)
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	io.WriteString(w, rep.Body)
	return true
}

// setHeaders applies the retry-after and extra headers of a reply.
func setHeaders(w http.ResponseWriter, rep Reply) {
	if rep.RetryAfter != "" {
		w.Header().Set("retry-after", rep.RetryAfter)
	}
	if rep.RetryAfterMS != "" {
		w.Header().Set("retry-after-ms", rep.RetryAfterMS)
	}
	for k, vs := range rep.Header {
		w.Header()[http.CanonicalHeaderKey(k)] = slices.Clone(vs)
	}
}

// estimate guesses a token count from text the way a tokenizer roughly
// would (four bytes a token), so usage is plausible and non-zero.
func estimate(text string) int { return len(text)/4 + 1 }

// compact removes insignificant whitespace from JSON, leaving other text
// unchanged.
func compact(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

// cacheable reports whether the provider would cache the request's prefix:
// there is one, and it is at least the provider's minimum length.
func (r Request) cacheable() bool {
	return r.Prefix != "" && estimate(r.Prefix) >= r.cacheMin
}

// inputTokens estimates the prompt's tokens when the reply scripts none:
// the prefix (schema and system) and the user messages.
func (r Request) inputTokens() int {
	if r.Prefix != "" {
		return estimate(r.Prefix + r.User)
	}
	return estimate(r.System + r.User)
}

// cacheTokens returns how many of in tokens the provider reads from its
// prompt cache and writes to it. OpenAI reads in 128-token steps and never
// reports writes; Anthropic writes the marked prefix on a miss and reads
// it on a hit.
func (r Request) cacheTokens(in int, openAI bool) (read, write int) {
	if !r.cacheable() {
		return 0, 0
	}
	n := min(estimate(r.Prefix), in)
	switch {
	case openAI && r.PrefixCached:
		return n / 128 * 128, 0
	case openAI:
		return 0, 0
	case r.PrefixCached:
		return n, 0
	default:
		return 0, n
	}
}

// answerText is the text a fake model answers rep with (the scripted
// content, else the decision) and the tokens it reports: the scripted
// counts, else estimates from the prompt and the answer.
func answerText(req Request, rep Reply) (content string, in, out int) {
	content = rep.Decision
	if rep.Content != "" {
		content = rep.Content
	}
	in, out = rep.InputTokens, rep.OutputTokens
	if in == 0 {
		in = req.inputTokens()
	}
	if out == 0 {
		out = estimate(content)
	}
	return content, in, out
}

// pieces cuts a streamed answer's text into pieces of about n bytes, each
// ending on a character's boundary, as a model's tokens arrive.
func pieces(text string, n int) []string {
	var out []string
	for len(text) > 0 {
		k := min(len(text), n)
		for k < len(text) && !utf8.RuneStart(text[k]) {
			k++
		}
		out = append(out, text[:k])
		text = text[k:]
	}
	return out
}

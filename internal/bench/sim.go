// Package bench measures the request engine against a simulated provider
// on loopback: real HTTP, limits enforced the way hosted APIs (request and
// token buckets refilling continuously, 429 with x-ratelimit-* headers and
// retry-after) or Ollama (K slots, a bounded queue, 503 when it is full) do
// it, with a latency distribution and fault rates. Each scenario prints
// the engine's wall time against the theoretical bound from the same
// limits, beside sequential mode and the seed's naive design.
//
// Time is compressed: a rate "per minute" is enforced per Window (two
// seconds in the full run, one in Short mode), and the engine is told the
// same Window, so the arithmetic is the same as with real minutes and the
// bench finishes in a few minutes.
//
// The theoretical bound is the least wall time the limits allow for the
// exact workload the simulator serves (every request's tokens and service
// time derive from its id, see WorkFor):
//
//   - hosted: buckets of RPM requests and TPM tokens start full and refill
//     at RPM and TPM per Window, so the last request cannot be admitted
//     before max((N-RPM)/RPM, (T-TPM)/TPM)·Window, T being the workload's
//     tokens; it then takes a (median) service time. No run beats the
//     longest single service time either.
//   - Ollama: each host's K slots serve one request at a time at its
//     slowdown, so the run takes at least the summed service time divided
//     by Σ K/slowdown (all slots of all hosts busy from start to end).
//
// Efficiency is bound / wall.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SimConfig describes one simulated host.
type SimConfig struct {
	// Ollama selects slot semantics (Slots, Queue, 503 when full) instead of
	// hosted-API buckets (RPM, TPM, 429).
	Ollama bool
	// RPM and TPM are requests and tokens per Window; 0 means no limit.
	RPM, TPM int
	Window   time.Duration
	// Slots and Queue are Ollama's parallel slots (OLLAMA_NUM_PARALLEL) and
	// pending queue (OLLAMA_MAX_QUEUE).
	Slots, Queue int
	// Slowdown multiplies every service time (an older GPU, say).
	Slowdown float64
	// Fail500, Malformed and Hang are per-attempt probabilities of a 500, a
	// 200 whose body is not the expected JSON, and no answer at all.
	Fail500, Malformed, Hang float64
	// Seed makes faults reproducible.
	Seed uint64
	// Median is the median service time of requests in OpenAI's format,
	// whose bodies do not carry one (see WorkFor).
	Median time.Duration
}

// Work is what the simulator knows about request id: its tokens and how
// long a slot is busy with it. The same id always gets the same Work, so
// bounds can be computed from the very numbers the server will use.
type Work struct {
	PromptTokens, OutputTokens int
	// MaxTokens is the output cap the client asks for; clients estimate
	// their token use from it, which overstates what is used.
	MaxTokens int
	Service   time.Duration
}

// WorkFor derives request id's work from seed: prompts of 200 to 2,000
// tokens, outputs of 20 to 120, and a log-normal service time around
// median (sigma 0.35, so p95 is about 1.8x the median).
func WorkFor(seed uint64, id int, median time.Duration) Work {
	r := rand.New(rand.NewPCG(seed, uint64(id)))
	w := Work{PromptTokens: 200 + r.IntN(1801), OutputTokens: 20 + r.IntN(101), MaxTokens: 150}
	w.Service = time.Duration(float64(median) * math.Exp(0.35*r.NormFloat64()))
	return w
}

// simRequest is the simulator's request body.
type simRequest struct {
	ID     int `json:"id"`
	Prompt int `json:"prompt_tokens"`
	Output int `json:"output_tokens"`
	// ServiceUS is the service time in microseconds: the client sends what
	// WorkFor gave, standing in for "how long the model takes on this".
	ServiceUS int64 `json:"service_us"`
}

type simAnswer struct {
	ID     int    `json:"id"`
	Answer string `json:"answer"`
	Usage  struct {
		TotalTokens int `json:"total_tokens"`
	} `json:"usage"`
}

// Sim is a running simulated host.
type Sim struct {
	cfg SimConfig
	srv *httptest.Server

	mu             sync.Mutex
	rng            *rand.Rand
	reqs, toks     float64 // bucket contents
	last           time.Time
	active, queued int
	slotFree       *sync.Cond

	counts SimCounts
	slots  slotUse
	served []Work // what each OK answer cost, for bounds
	// first is when the first request arrived, and arrived when each one
	// did, measured from it: the dispatch timeline a runner produced.
	first   time.Time
	arrived []time.Duration
}

// SimCounts are what the server saw.
type SimCounts struct {
	Requests, OK, Status429, Status503, Status500, Malformed, Hung int
}

// StartSim starts a simulated host on 127.0.0.1. Close it when done.
func StartSim(cfg SimConfig) *Sim {
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	if cfg.Slowdown <= 0 {
		cfg.Slowdown = 1
	}
	s := &Sim{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), last: time.Now()}
	s.reqs, s.toks = float64(cfg.RPM), float64(cfg.TPM)
	s.slotFree = sync.NewCond(&s.mu)
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	s.srv.Listener.Close()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("bench: listening on loopback: %v", err))
	}
	s.srv.Listener = ln
	s.srv.Start()
	return s
}

// URL is the host's base URL.
func (s *Sim) URL() string { return s.srv.URL }

// Close stops the server, ending hung requests.
func (s *Sim) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// refill advances the buckets to now; s.mu must be held.
func (s *Sim) refill(now time.Time) {
	el := now.Sub(s.last).Seconds()
	s.last = now
	w := s.cfg.Window.Seconds()
	s.reqs = math.Min(float64(s.cfg.RPM), s.reqs+el*float64(s.cfg.RPM)/w)
	s.toks = math.Min(float64(s.cfg.TPM), s.toks+el*float64(s.cfg.TPM)/w)
}

// resetIn is how long until a bucket holding have of limit is full again,
// as OpenAI's x-ratelimit-reset-* reports it.
func (s *Sim) resetIn(have float64, limit int) time.Duration {
	if limit == 0 || have >= float64(limit) {
		return 0
	}
	return time.Duration((float64(limit) - have) / float64(limit) * float64(s.cfg.Window)).Round(time.Millisecond)
}

// setLimitHeaders writes OpenAI's rate-limit headers; s.mu must be held.
func (s *Sim) setLimitHeaders(h http.Header) {
	if s.cfg.RPM > 0 {
		h.Set("x-ratelimit-limit-requests", strconv.Itoa(s.cfg.RPM))
		h.Set("x-ratelimit-remaining-requests", strconv.Itoa(int(math.Max(0, s.reqs))))
		h.Set("x-ratelimit-reset-requests", s.resetIn(s.reqs, s.cfg.RPM).String())
	}
	if s.cfg.TPM > 0 {
		h.Set("x-ratelimit-limit-tokens", strconv.Itoa(s.cfg.TPM))
		h.Set("x-ratelimit-remaining-tokens", strconv.Itoa(int(math.Max(0, s.toks))))
		h.Set("x-ratelimit-reset-tokens", s.resetIn(s.toks, s.cfg.TPM).String())
	}
}

func (s *Sim) handle(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/chat/completions") {
		s.handleOpenAI(w, r)
		return
	}
	var req simRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"invalid JSON body","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	s.serve(w, r, req, simFormat{})
}

// answerFormat writes the two bodies that differ between the simulator's
// own wire format and OpenAI's.
type answerFormat interface {
	ok(w http.ResponseWriter, req simRequest)
	malformed(w http.ResponseWriter, req simRequest)
}

// streamer is an answer format that may stream: its headers then go
// ahead of the answer (start), which ok or malformed then finish.
type streamer interface {
	streams() bool
	start(w http.ResponseWriter, req simRequest)
}

type simFormat struct{}

func (simFormat) ok(w http.ResponseWriter, req simRequest) {
	var a simAnswer
	a.ID, a.Answer, a.Usage.TotalTokens = req.ID, "span-"+strconv.Itoa(req.ID), req.Prompt+req.Output
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(a)
}

func (simFormat) malformed(w http.ResponseWriter, req simRequest) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"id":`+strconv.Itoa(req.ID)+`,"answer":"{\"span_name\": \"trunc`)
}

// serve admits req (rate limits or slots), draws its fault and answers.
func (s *Sim) serve(w http.ResponseWriter, r *http.Request, req simRequest, f answerFormat) {
	s.mu.Lock()
	s.counts.Requests++
	now := time.Now()
	if s.first.IsZero() {
		s.first = now
	}
	s.arrived = append(s.arrived, now.Sub(s.first))
	if s.cfg.Ollama {
		if !s.admitSlot(w) {
			s.mu.Unlock()
			return
		}
		defer func() {
			s.mu.Lock()
			s.slots.change(time.Now(), s.active, s.queued, s.cfg.Slots)
			s.active--
			s.slotFree.Signal()
			s.mu.Unlock()
		}()
	} else if !s.admitRate(w, req) {
		s.mu.Unlock()
		return
	}
	fault := s.rng.Float64()
	s.mu.Unlock()

	service := time.Duration(float64(req.ServiceUS) * float64(time.Microsecond) * s.cfg.Slowdown)
	switch {
	case fault < s.cfg.Hang:
		s.count(func(c *SimCounts) { c.Hung++ })
		<-r.Context().Done()
		return
	case fault < s.cfg.Hang+s.cfg.Fail500:
		// Failures come back sooner than answers: nothing was generated.
		sleep(r.Context(), service/4)
		s.count(func(c *SimCounts) { c.Status500++ })
		http.Error(w, `{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}`, http.StatusInternalServerError)
		return
	}
	if st, ok := f.(streamer); ok && st.streams() {
		// A streamed answer's headers leave at the first token; the
		// model decodes the rest after them.
		first := time.Duration((1 - decodeShare) * float64(service))
		if !sleep(r.Context(), first) {
			return
		}
		st.start(w, req)
		service -= first
	}
	if !sleep(r.Context(), service) {
		return
	}
	if fault < s.cfg.Hang+s.cfg.Fail500+s.cfg.Malformed {
		s.count(func(c *SimCounts) { c.Malformed++ })
		f.malformed(w, req)
		return
	}
	s.count(func(c *SimCounts) { c.OK++ })
	s.mu.Lock()
	s.served = append(s.served, Work{PromptTokens: req.Prompt, OutputTokens: req.Output, Service: service})
	s.mu.Unlock()
	f.ok(w, req)
}

// admitRate applies the hosted buckets: a request needs one request and
// its prompt plus output tokens; s.mu must be held. It answers the 429
// itself when the request is refused.
func (s *Sim) admitRate(w http.ResponseWriter, req simRequest) bool {
	now := time.Now()
	s.refill(now)
	need := float64(req.Prompt + req.Output)
	var short string
	var wait time.Duration
	switch {
	case s.cfg.RPM > 0 && s.reqs < 1:
		short = "requests"
		wait = time.Duration((1 - s.reqs) / float64(s.cfg.RPM) * float64(s.cfg.Window))
	case s.cfg.TPM > 0 && s.toks < need:
		short = "tokens"
		wait = time.Duration((need - s.toks) / float64(s.cfg.TPM) * float64(s.cfg.Window))
	}
	if s.cfg.RPM > 0 {
		s.reqs-- // refused requests count too, as they do at OpenAI
	}
	if short == "" {
		s.toks -= need
		s.setLimitHeaders(w.Header())
		return true
	}
	s.counts.Status429++
	s.setLimitHeaders(w.Header())
	h := w.Header()
	h.Set("retry-after-ms", strconv.FormatInt(max(1, wait.Milliseconds()), 10))
	h.Set("retry-after", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, `{"error":{"message":"Rate limit reached for %s per min. Please try again in %s.","type":"%s","param":null,"code":"rate_limit_exceeded"}}`, short, wait.Round(time.Millisecond), short)
	return false
}

// admitSlot applies Ollama's slots and queue: run at once when a slot is
// free, wait when the queue has room, else 503; s.mu must be held and is
// held again on return.
func (s *Sim) admitSlot(w http.ResponseWriter) bool {
	if s.active >= s.cfg.Slots && s.queued >= s.cfg.Queue {
		s.counts.Status503++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":"server busy, please try again.  maximum pending requests exceeded"}`)
		return false
	}
	s.slots.change(time.Now(), s.active, s.queued, s.cfg.Slots)
	s.queued++
	for s.active >= s.cfg.Slots {
		s.slotFree.Wait()
	}
	s.slots.change(time.Now(), s.active, s.queued, s.cfg.Slots)
	s.queued--
	s.active++
	return true
}

func (s *Sim) count(f func(*SimCounts)) {
	s.mu.Lock()
	f(&s.counts)
	s.mu.Unlock()
}

// sleep waits d or until ctx ends, reporting whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// BatchScript scripts a fake batch server: how long batches run and what
// becomes of each request.
type BatchScript struct {
	// Respond answers each request of a batch, numbered from 1 across the
	// server's life; nil means Echo. A reply with Status 400 or more makes
	// the request fail (a line of OpenAI's error file, an Anthropic errored
	// result); Content makes a malformed answer. Delay and Hang are ignored.
	Respond Responder
	// Polls is how many retrieves a batch answers as still running, its
	// request counts growing, before it ends.
	Polls int
	// Expire, when set, makes the requests it names expire: an OpenAI batch
	// holding one ends "expired", an Anthropic batch "ended" with expired
	// results. Always-true expires whole batches.
	Expire func(customID string) bool
	// Fail, when set, makes every OpenAI batch fail validation as a whole
	// with this message and no files.
	Fail string
}

// BatchItem is one request of a fake batch, as received.
type BatchItem struct {
	// CustomID is the request's custom_id.
	CustomID string
	// Request is the request body read as a synchronous request would be
	// (Body holds the body alone, not the line around it).
	Request Request
	reply   Reply
	expired bool
}

// fakeBatch is a batch's state on the fake server.
type fakeBatch struct {
	id          string
	created     time.Time
	items       []BatchItem
	pollsToEnd  int // retrieves answered as running
	polls       int
	cancel      bool
	afterCancel int // retrieves since the cancel
	answered    int // requests run before a cancel; the rest are canceled
	failed      string
	output, err string // OpenAI file ids, set when the batch ends
}

// BatchServer is a running fake batch endpoint. Its embedded Server records
// every HTTP call (uploads, creates, retrieves, downloads, cancels).
type BatchServer struct {
	*Server
	script BatchScript

	mu          sync.Mutex
	batches     map[string]*fakeBatch
	order       []string
	files       map[string][]byte
	submissions int
	cancels     int
	requests    int
}

func newBatchServer(script BatchScript) *BatchServer {
	if script.Respond == nil {
		script.Respond = Echo()
	}
	return &BatchServer{script: script, batches: map[string]*fakeBatch{}, files: map[string][]byte{}}
}

// Submissions returns how many batches were created.
func (b *BatchServer) Submissions() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.submissions
}

// Cancels returns how many cancel calls arrived.
func (b *BatchServer) Cancels() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cancels
}

// BatchIDs returns the ids of the batches created, in order.
func (b *BatchServer) BatchIDs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.order)
}

// Items returns the requests of batch id, in the order they were sent.
func (b *BatchServer) Items(id string) []BatchItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	if fb := b.batches[id]; fb != nil {
		return slices.Clone(fb.items)
	}
	return nil
}

// add stores a new batch of items, answering each at once; the answers are
// revealed as the batch is polled. The caller holds b.mu.
func (b *BatchServer) add(prefix string, items []BatchItem, failed string) *fakeBatch {
	b.submissions++
	fb := &fakeBatch{id: fmt.Sprintf("%s_fake%04d", prefix, b.submissions), created: time.Now(),
		failed: failed, pollsToEnd: b.script.Polls}
	for _, it := range items {
		b.requests++
		it.Request.N = b.requests
		it.reply = b.script.Respond(it.Request)
		it.expired = b.script.Expire != nil && b.script.Expire(it.CustomID)
		fb.items = append(fb.items, it)
	}
	b.batches[fb.id] = fb
	b.order = append(b.order, fb.id)
	return fb
}

// poll counts one retrieve of fb and reports whether it has ended. The
// caller holds b.mu.
func (b *BatchServer) poll(fb *fakeBatch) bool {
	fb.polls++
	if fb.cancel {
		fb.afterCancel++
	}
	return fb.ended()
}

// ended reports whether fb has ended: failed validation, retrieved once
// since a cancel, or retrieved more than the script's Polls times.
func (fb *fakeBatch) ended() bool {
	return fb.failed != "" || fb.cancel && fb.afterCancel > 0 || fb.polls > fb.pollsToEnd
}

// cancelNow records a cancel: the requests run so far stay answered.
func (fb *fakeBatch) cancelNow() {
	if !fb.cancel && !fb.ended() {
		fb.cancel = true
		fb.answered = fb.progress()
	}
}

// progress returns how many requests of a running fb have run: a share
// growing with each retrieve, never all of them before it ends.
func (fb *fakeBatch) progress() int {
	if fb.pollsToEnd == 0 {
		return 0
	}
	return len(fb.items) * min(fb.polls, fb.pollsToEnd) / (fb.pollsToEnd + 1)
}

// fate says what became of request i of an ended batch.
type fate int

const (
	fateAnswered fate = iota
	fateErrored
	fateExpired
	fateCanceled
)

func (fb *fakeBatch) fate(i int) fate {
	it := fb.items[i]
	switch {
	case fb.cancel && i >= fb.answered:
		return fateCanceled
	case it.expired:
		return fateExpired
	case it.reply.Status >= 400:
		return fateErrored
	}
	return fateAnswered
}

// counts returns how many requests have succeeded and failed so far.
func (fb *fakeBatch) counts() (done, failed int) {
	n := len(fb.items)
	if !fb.ended() {
		n = fb.progress()
	}
	for i := range n {
		switch fb.fate(i) {
		case fateAnswered:
			done++
		default:
			failed++
		}
	}
	return done, failed
}

// render writes a reply through a handler into a recorder, to reuse the
// error bodies the synchronous fakes send.
func render(write func(w http.ResponseWriter)) (int, json.RawMessage) {
	rec := httptest.NewRecorder()
	write(rec)
	return rec.Code, bytes.TrimSpace(rec.Body.Bytes())
}

// jsonl joins values as JSON lines.
func jsonl(values []any) []byte {
	var buf bytes.Buffer
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err) // maps of plain values always marshal
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// unixOrNil gives a unix time for set times and null for unset ones.
func unixOrNil(set bool, t time.Time) any {
	if !set {
		return nil
	}
	return t.Unix()
}

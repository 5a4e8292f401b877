package llmtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// Streamed is what a client's streamed answer must come back as.
type Streamed struct {
	// Decision, InputTokens and OutputTokens are the answer and usage the
	// fake was told to send; RequestLimit is its request limit header.
	Decision                  string
	InputTokens, OutputTokens int
	RequestLimit              int64
	// Writing is the reply's Delay: how long the model takes to write the
	// answer after its first token.
	Writing time.Duration
}

// CheckStreamed runs decide under llm.WithEarlyLimits and checks that the
// client streamed: the rate limits were handed over early (well before
// the answer was written) and again with the answer, and the answer and
// its usage are the ones sent.
func CheckStreamed(t testing.TB, decide func(context.Context) (llm.Answer, error), want Streamed) {
	t.Helper()
	start := time.Now()
	var heard time.Duration
	var early *llm.Limits
	ans, err := decide(llm.WithEarlyLimits(context.Background(), func(l *llm.Limits) { heard, early = time.Since(start), l }))
	if err != nil {
		t.Fatal(err)
	}
	whole := time.Since(start)
	if string(ans.Raw) != want.Decision {
		t.Errorf("streamed answer %s, want %s", ans.Raw, want.Decision)
	}
	if ans.Usage.InputTokens != want.InputTokens || ans.Usage.OutputTokens != want.OutputTokens {
		t.Errorf("usage %+v, want %d in and %d out", ans.Usage, want.InputTokens, want.OutputTokens)
	}
	if early == nil || early.Requests == nil || early.Requests.Limit != want.RequestLimit || ans.Limits == nil {
		t.Fatalf("early limits %+v, answer's %+v: want the rate-limit headers in both", early, ans.Limits)
	}
	if heard <= 0 || heard > whole-want.Writing/2 {
		t.Errorf("headers heard after %v of %v: want them as the stream starts, before the answer is written", heard, whole)
	}
}

// CheckStreamRefused checks that a client whose server refuses streamed
// requests (RefusingStreams) asks the first one again whole and sends
// the next whole at once: decide runs twice, asked for early limits.
func CheckStreamRefused(t testing.TB, s *Server, decide func(context.Context) (llm.Answer, error)) {
	t.Helper()
	ctx := llm.WithEarlyLimits(context.Background(), func(*llm.Limits) {})
	for i := range 2 {
		if _, err := decide(ctx); err != nil {
			t.Fatalf("decision %d: %v", i+1, err)
		}
	}
	var streamed []bool
	for _, r := range s.Requests() {
		streamed = append(streamed, r.Stream)
	}
	if want := []bool{true, false, false}; !slices.Equal(streamed, want) {
		t.Errorf("requests streamed %v, want %v: the refused stream asked whole, then no more streams", streamed, want)
	}
}

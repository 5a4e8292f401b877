package goruntime

import (
	"context"
	"errors"
	"testing"
)

// The functions below are instrumented by hand as the renderer does in a
// module: through the shared package's API, the context parameter by
// address.

func apiParent(ctx context.Context, seen chan<- bool) {
	defer FnCtx(&ctx, "api.parent", "a.go", 1, true, false).End()
	orig := ctx
	done := make(chan struct{})
	go func() { apiHanded(ctx, orig, seen); close(done) }()
	<-done
}

// apiHanded runs on a goroutine of its own, handed its caller's context:
// its span is the caller's child, and without OpenTelemetry its context
// parameter is left as it was.
func apiHanded(ctx, orig context.Context, seen chan<- bool) {
	defer FnCtx(&ctx, "api.handed", "a.go", 2, true, false).End()
	l := Loop("api.handed.loop", "a.go", 3)
	for i := 0; i < 2; i++ {
		l.Tick()
		Var("api.handed", "a.go", 4, &i)
	}
	seen <- ctx == orig
}

func apiPanics() {
	defer Fn(nil, "api.panics", "a.go", 5, true, false).End()
	panic("y")
}

func apiFails() (err error) {
	defer Fn(nil, "api.fails", "a.go", 6, true, false).EndErr(&err)
	func() {
		defer func() { _ = recover() }()
		apiPanics()
	}()
	return errors.New("failed")
}

// TestSharedAPI: spans started through the API nest through a context
// handed to a goroutine, leave the context parameter alone without
// OpenTelemetry, and see panics and returned errors through End and
// EndErr as through end and endErr.
func TestSharedAPI(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan bool, 1)
	apiParent(ctx, seen)
	if !<-seen {
		t.Error("the context parameter changed without OpenTelemetry")
	}
	if err := apiFails(); err == nil {
		t.Fatal("apiFails returned no error")
	}
	spans := readSpans(t)
	p, h := spans["api.parent"], spans["api.handed"]
	if len(p) != 1 || len(h) != 1 || h[0].ParentSpanID != p[0].SpanID {
		t.Fatalf("api.handed is not the child of api.parent: %v %v", p, h)
	}
	if s := spans["api.panics"]; len(s) != 1 || s[0].Status.Code != 2 {
		t.Errorf("api.panics: %v, want one span with status ERROR", s)
	}
	if s := spans["api.fails"]; len(s) != 1 || s[0].Status.Code != 2 {
		t.Errorf("api.fails: %v, want one span with status ERROR", s)
	}
}

func allocCtx(ctx context.Context) int {
	defer FnCtx(&ctx, "alloc.ctx", "a.go", 7, true, false).End()
	return 1
}

func allocNil(ctx context.Context) int {
	defer Fn(nil, "alloc.nil", "a.go", 8, true, false).End()
	return 1
}

// TestContextParameterStaysOnTheStack: passing the context parameter's
// address to FnCtx costs no allocation over passing nothing (through an
// interface{} the parameter would move to the heap on every call).
func TestContextParameterStaysOnTheStack(t *testing.T) {
	ctx := context.Background() // not a pointer: the runtime keeps no map entry for it
	withCtx := testing.AllocsPerRun(200, func() { allocCtx(ctx) })
	without := testing.AllocsPerRun(200, func() { allocNil(ctx) })
	if withCtx > without {
		t.Errorf("%.0f allocations per call with the context's address, %.0f without", withCtx, without)
	}
}

package decide_test

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decide/builtin"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestProtocolMethodGo: the Go finder marks the methods fmt, sort and
// encoding call implicitly, and the JavaScript finder does not mark a
// method of the same name.
func TestProtocolMethodGo(t *testing.T) {
	langs := languages(t)
	goSrc := "package p\n\ntype T struct{}\n\n"
	want := map[string]bool{"String": true, "Error": true, "Less": true, "MarshalJSON": true, "Reserve": false, "toString": false}
	for name := range want {
		goSrc += "func (T) " + name + "() string {\n\treturn \"\"\n}\n\n"
	}
	cs, err := langs[source.Go].Find(&source.File{Path: "p/t.go", Lang: source.Go, Src: []byte(goSrc)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Kind == source.Function && (c.Protocol != "") != want[c.Name] {
			t.Errorf("%s: protocol %q, want %v", c.Name, c.Protocol, want[c.Name])
		}
		delete(want, c.Name)
	}
	if len(want) > 0 {
		t.Errorf("methods not found: %v", want)
	}
	js := "class T {\n  String() {\n    return ''\n  }\n}\n"
	cs, err = langs[source.JavaScript].Find(&source.File{Path: "t.js", Lang: source.JavaScript, Src: []byte(js)})
	if err != nil || len(cs) == 0 {
		t.Fatalf("%v %v", cs, err)
	}
	for _, c := range cs {
		if c.Protocol != "" {
			t.Errorf("String is a protocol method in JavaScript too: %q", c.Protocol)
		}
	}
}

// goServer has function literals bound in every way the Go finder names
// them: a route handler, a worker goroutine, a deferred cleanup, a helper
// closure, a sort comparator and a continuation.
const goServer = `package server

import (
	"context"
	"net/http"
	"sort"
	"sync"
)

func Serve(ctx context.Context, mux *http.ServeMux, jobs []string) error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := map[string]int{}
	mux.HandleFunc("/jobs", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := len(results)
		mu.Unlock()
		if n == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
		_ = r
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			mu.Lock()
			results[j] = len(j)
			mu.Unlock()
		}
		mu.Lock()
		results["done"] = 1
		mu.Unlock()
	}()
	defer func() {
		mu.Lock()
		for k := range results {
			delete(results, k)
		}
		mu.Unlock()
		wg.Wait()
		_ = ctx
		_ = jobs
	}()
	record := func(k string, v int) {
		mu.Lock()
		defer mu.Unlock()
		if v < 0 {
			v = 0
		}
		results[k] = v
		_ = len(results)
		_ = k
		_ = v
	}
	record("start", 0)
	sort.Slice(jobs, func(i, j int) bool {
		a, b := jobs[i], jobs[j]
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	done := func() {
		mu.Lock()
		results["end"] = 1
		mu.Unlock()
		_ = len(jobs)
		_ = ctx
		_ = mux
		_ = record
		_ = results
		_ = jobs
		_ = mu
	}
	done()
	wg.Wait()
	return ctx.Err()
}
`

// TestPolicyOnGoLiterals: at the default density the route handler and
// the worker goroutine keep their spans (work of their own), a deferred
// cleanup and a helper closure are steps of Serve's work, a continuation
// is a step per call; a sort comparator never has a span, at any density.
func TestPolicyOnGoLiterals(t *testing.T) {
	low := plan(t, decide.Policy{}, source.Go, goServer, builtin.Decide)
	checkSpans(t, "low", low, map[string]string{
		"function Serve@10":            kept,
		"function HandleFunc /jobs@14": kept,
		"function go@27":               kept,
		"function defer@41":            "inner function of Serve",
		"function record@51":           "inner function of Serve",
		"function done@70":             "continuation done",
	})
	for _, d := range []decide.Density{decide.Low, decide.High} {
		got := plan(t, decide.Policy{Density: d}, source.Go, goServer, builtin.Decide)["function Slice callback@63"]
		if got != "declined" {
			t.Errorf("sort.Slice's comparator at %s: %s, want declined by the planner", d, got)
		}
	}
	high := plan(t, decide.Policy{Density: decide.High}, source.Go, goServer, builtin.Decide)
	checkSpans(t, "high", high, map[string]string{"function defer@41": kept, "function record@51": kept, "function done@70": kept})
}

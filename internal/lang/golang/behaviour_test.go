package golang

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// behaviourModule writes testdata/behaviour/main.go.in into two modules
// whose go.mod says go 1.11 (so the runtime must compile at that language
// level): the original, and the instrumented copy with its runtime. It
// returns the two folders.
func behaviourModule(t *testing.T) (orig, inst string) {
	t.Helper()
	src, err := os.ReadFile("testdata/behaviour/main.go.in")
	if err != nil {
		t.Fatal(err)
	}
	l := newLang(t)
	out, _, err := instrument(l, testFile("main.go", src), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	gomod := []byte("module behaviour\n\ngo 1.11\n")
	orig, inst = t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(orig, "go.mod"), gomod)
	writeFile(t, filepath.Join(orig, "main.go"), src)
	writeFile(t, filepath.Join(inst, "go.mod"), gomod)
	writeFile(t, filepath.Join(inst, "main.go"), out)
	writeFile(t, filepath.Join(inst, utilfiles.GoFileName), utilfiles.Go("main"))
	goTool(t, inst, "vet", ".")
	goTool(t, orig, "build", "-o", "prog", ".")
	goTool(t, inst, "build", "-o", "prog", ".")
	return orig, inst
}

// run runs a built program with env added; it returns stdout, stderr and
// the exit code.
func run(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "prog"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

type span struct {
	TraceID      string `json:"traceId"`
	SpanID       string `json:"spanId"`
	ParentSpanID string `json:"parentSpanId"`
	Name         string `json:"name"`
	Attributes   []struct {
		Key   string         `json:"key"`
		Value map[string]any `json:"value"`
	} `json:"attributes"`
	Status struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
	Events []struct {
		Name       string `json:"name"`
		Attributes []struct {
			Key   string         `json:"key"`
			Value map[string]any `json:"value"`
		} `json:"attributes"`
	} `json:"events"`
}

// exception returns the attributes of the span's exception event, nil
// without one.
func (s span) exception() map[string]any {
	for _, e := range s.Events {
		if e.Name != "exception" {
			continue
		}
		out := map[string]any{}
		for _, a := range e.Attributes {
			for _, v := range a.Value {
				out[a.Key] = v
			}
		}
		return out
	}
	return nil
}

func (s span) attr(k string) any {
	for _, a := range s.Attributes {
		if a.Key == k {
			for _, v := range a.Value {
				return v
			}
		}
	}
	return nil
}

// TestBehaviour runs the same program built from the original and from the
// instrumented source: the output (runtime.Caller lines and the main.go
// lines of a stack trace included) is the same, with telemetry off and on,
// and the spans written to TELEMETRY_INJECT_FILE nest as the calls do.
func TestBehaviour(t *testing.T) {
	orig, inst := behaviourModule(t)
	want, _, _ := run(t, orig, nil)
	if off, _, _ := run(t, inst, nil); off != want {
		t.Errorf("instrumented output with telemetry off differs:\n%s\nwant:\n%s", off, want)
	}
	file := filepath.Join(t.TempDir(), "spans.jsonl")
	on, _, _ := run(t, inst, []string{"TELEMETRY_INJECT_FILE=" + file})
	if on != want {
		t.Errorf("instrumented output with telemetry on differs:\n%s\nwant:\n%s", on, want)
	}
	spans := readSpans(t, file)
	byID := map[string]span{}
	for _, s := range spans {
		byID[s.SpanID] = s
	}
	parent := func(s span) string { return byID[s.ParentSpanID].Name }
	count := map[string]int{}
	for _, s := range spans {
		count[s.Name]++
		switch s.Name {
		case "main.inner":
			if p := parent(s); p != "main.outer" && p != "main.work" && p != "main.literals.go" {
				t.Errorf("main.inner's parent is %q, want main.outer, main.work or main.literals.go", p)
			}
		case "main.outer":
			if p := parent(s); p != "main.main" {
				t.Errorf("main.outer's parent is %q", p)
			}
			if n := s.attr("main.outer.iterations"); n != "4" {
				t.Errorf("main.outer.iterations = %v, want 4", n)
			}
		case "main.fanOut.go":
			// The goroutine's literal uses fanOut's ctx: its span joins
			// fanOut's trace through it, not through the goroutine.
			if p := parent(s); p != "main.fanOut" || s.TraceID != byName(spans, "main.fanOut").TraceID {
				t.Errorf("main.fanOut.go's parent is %q, want main.fanOut (through ctx)", p)
			}
		case "main.work":
			if p := parent(s); p != "main.fanOut.go" {
				t.Errorf("main.work's parent is %q, want main.fanOut.go", p)
			}
		case "main.literals.go":
			// Handed no context: a goroutine starts a trace of its own.
			if s.ParentSpanID != "" {
				t.Errorf("main.literals.go has parent %q: the goroutine leaked its parent's span", parent(s))
			}
		case "main.literals.register_route":
			if p := parent(s); p != "main.register" {
				t.Errorf("the route literal's parent is %q, want main.register", p)
			}
		case "main.boom":
			if s.Status.Code != 2 {
				t.Errorf("main.boom's status is %d, want 2 (ERROR)", s.Status.Code)
			}
		case "main.rescue", "main.stackLines", "main.named", "main.readEnd":
			if s.Status.Code != 0 || s.exception() != nil {
				t.Errorf("%s returned normally but has status %d, events %v", s.Name, s.Status.Code, s.Events)
			}
		}
	}
	t.Logf("%d spans: %v", len(spans), count)
	for name, n := range map[string]int{"main.inner": 8, "main.boom": 3, "main.work": 3, "main.main": 1, "main.fanOut.go": 3,
		"main.literals.go": 1, "main.literals.register_route": 1, "main.rescue.defer": 1, "main.open": 2} {
		if count[name] != n {
			t.Errorf("%d spans named %s, want %d (all: %v)", count[name], name, n, count)
		}
	}
	checkErrors(t, spans)
}

// checkErrors checks the spans of functions that return errors: status
// ERROR with the standard library's message, one exception event per
// error, the program's own error type by name alone.
func checkErrors(t *testing.T, spans []span) {
	t.Helper()
	const msg = "open /nonexistent/telemetry-inject: no such file or directory"
	opens := 0
	for _, s := range spans {
		ex := s.exception()
		switch s.Name {
		case "main.open":
			opens++
			if s.Status.Code != 2 || s.Status.Message != msg || ex["exception.type"] != "*fs.PathError" || ex["exception.message"] != msg {
				t.Errorf("main.open: status %+v, exception %v", s.Status, ex)
			}
		case "main.passOn":
			if s.Status.Code != 2 || s.Status.Message != msg || ex != nil {
				t.Errorf("main.passOn returns open's error: status %+v, want ERROR without a second exception event (%v)", s.Status, ex)
			}
		case "main.quota":
			if s.Status.Code != 2 || s.Status.Message != "*main.quotaError" || ex["exception.type"] != "*main.quotaError" || ex["exception.message"] != nil {
				t.Errorf("main.quota: status %+v, exception %v: want the type alone", s.Status, ex)
			}
		case "main.recovered":
			if s.Status.Code != 2 || s.Status.Message != "recovered boom 4" {
				t.Errorf("main.recovered: status %+v, want the error its deferred recover set", s.Status)
			}
		}
	}
	if opens != 2 {
		t.Errorf("%d main.open spans, want 2", opens)
	}
}

func byName(spans []span, name string) span {
	for _, s := range spans {
		if s.Name == name {
			return s
		}
	}
	return span{}
}

// TestPanicTrace checks that a crash prints the same main.go lines and
// exit status from the instrumented program: no line moved.
func TestPanicTrace(t *testing.T) {
	orig, inst := behaviourModule(t)
	lines := regexp.MustCompile(`main\.go:\d+|panic: .*`)
	_, want, wantCode := run(t, orig, nil, "crash")
	_, got, code := run(t, inst, []string{"TELEMETRY_INJECT_FILE=" + filepath.Join(t.TempDir(), "s.jsonl")}, "crash")
	w, g := lines.FindAllString(want, -1), lines.FindAllString(got, -1)
	if code != wantCode || strings.Join(w, " ") != strings.Join(g, " ") || len(w) < 3 {
		t.Errorf("crash differs: exit %d, want %d\n%s\nwant:\n%s", code, wantCode, got, want)
	}
}

// TestOTLP sends the spans to a collector on 127.0.0.1 and reads them back
// with the OpenTelemetry collector's own OTLP JSON decoder.
func TestOTLP(t *testing.T) {
	_, inst := behaviourModule(t)
	var mu sync.Mutex
	var got []ptrace.Traces
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		tr, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("X-Test"))
		if err != nil {
			t.Errorf("collector cannot decode the body: %v", err)
		}
		got = append(got, tr)
	}))
	defer srv.Close()
	run(t, inst, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + srv.URL, "OTEL_EXPORTER_OTLP_HEADERS=X-Test=yes", "OTEL_SERVICE_NAME=behave"})
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, tr := range got {
		total += tr.SpanCount()
		rs := tr.ResourceSpans().At(0)
		if v, _ := rs.Resource().Attributes().Get("service.name"); v.Str() != "behave" {
			t.Errorf("service.name = %q", v.Str())
		}
	}
	if total < 16 || len(paths) == 0 || paths[0] != "/v1/traces application/json yes" {
		t.Errorf("collector got %d spans in %d requests (%v)", total, len(got), paths)
	}
}

func readSpans(t *testing.T, file string) []span {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []span
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s span
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, s)
	}
	return out
}

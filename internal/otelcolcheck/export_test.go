package otelcolcheck

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// program is one of testdata's programs and what its trace must show.
type program struct {
	dir, file string
	// run is the command that runs it, given the interpreter.
	interp   string
	language string // telemetry.sdk.language
	// lines are the un-instrumented source lines of its functions.
	lines map[string]int64
}

var programs = []program{
	{dir: "py", file: "ledger.py", interp: "python3", language: "python",
		lines: map[string]int64{"parse": 8, "total": 15, "main": 23}},
	{dir: "js", file: "ledger.js", interp: "node", language: "nodejs",
		lines: map[string]int64{"parse": 11, "total": 19, "main": 27}},
}

// TestExportsReachARealCollector instruments testdata's Python and
// JavaScript programs with the tool's command line, runs them exporting
// OTLP/HTTP JSON to the Collector's OTLP receiver, and checks what the
// receiver decoded: OpenTelemetry's semantic conventions for code spans,
// the exception event and statuses, scope and resource, and that every
// parent arrived (no orphan).
func TestExportsReachARealCollector(t *testing.T) {
	bin := toolBinary(t)
	for _, p := range programs {
		t.Run(p.dir, func(t *testing.T) {
			interp, err := exec.LookPath(p.interp)
			if err != nil {
				t.Skipf("%s is not on PATH", p.interp)
			}
			dir := t.TempDir()
			src, err := os.ReadFile(filepath.Join("testdata", p.dir, p.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p.file), src, 0o644); err != nil {
				t.Fatal(err)
			}
			want := runProgram(t, dir, nil, interp, p.file)
			// Every function gets a span at high: the check covers each
			// kind of span these programs can make.
			runProgram(t, dir, nil, bin, dir, "--density", "high")
			c := startCollector(t)
			service := "ledger-" + p.dir
			got := runProgram(t, dir, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.Endpoint, "OTEL_SERVICE_NAME=" + service}, interp, p.file)
			if got != want {
				t.Errorf("the instrumented program printed\n%s\nthe original\n%s", got, want)
			}
			checkTraces(t, p, service, c.take())
		})
	}
}

// checkTraces checks what the receiver decoded from one program's run.
func checkTraces(t *testing.T, p program, service string, batches []ptrace.Traces) {
	t.Helper()
	byID := map[pcommon.SpanID]ptrace.Span{}
	var spans []ptrace.Span
	for _, td := range batches {
		for _, rs := range td.ResourceSpans().All() {
			res := rs.Resource().Attributes()
			if v := str(res, "service.name"); v != service {
				t.Errorf("resource service.name %q, want %q", v, service)
			}
			if v := str(res, "telemetry.sdk.language"); v != p.language {
				t.Errorf("resource telemetry.sdk.language %q, want %q", v, p.language)
			}
			for _, k := range []string{"telemetry.sdk.name", "telemetry.sdk.version"} {
				if str(res, k) == "" {
					t.Errorf("resource has no %s: %v", k, res.AsRaw())
				}
			}
			for _, ss := range rs.ScopeSpans().All() {
				if ss.Scope().Name() != "telemetry-inject" || ss.Scope().Version() == "" {
					t.Errorf("instrumentation scope %q version %q, want telemetry-inject and its version", ss.Scope().Name(), ss.Scope().Version())
				}
				for _, s := range ss.Spans().All() {
					spans = append(spans, s)
					byID[s.SpanID()] = s
				}
			}
		}
	}
	if len(spans) == 0 {
		t.Fatal("the collector received no span")
	}
	named := map[string][]ptrace.Span{}
	orphans := 0
	for _, s := range spans {
		a := s.Attributes()
		fn := str(a, "code.function.name")
		named[fn[strings.LastIndex(fn, ".")+1:]] = append(named[fn[strings.LastIndex(fn, ".")+1:]], s)
		if s.Kind() != ptrace.SpanKindInternal {
			t.Errorf("span %s has kind %s, want Internal", s.Name(), s.Kind())
		}
		if fn == "" || str(a, "code.file.path") != p.file {
			t.Errorf("span %s: code.function.name %q, code.file.path %q (want %s)", s.Name(), fn, str(a, "code.file.path"), p.file)
		}
		if line, ok := a.Get("code.line.number"); !ok || line.Type() != pcommon.ValueTypeInt || line.Int() <= 0 {
			t.Errorf("span %s: code.line.number %v, want a positive int", s.Name(), line.AsRaw())
		}
		if !s.ParentSpanID().IsEmpty() {
			if _, ok := byID[s.ParentSpanID()]; !ok {
				orphans++
			}
		}
		if s.EndTimestamp() < s.StartTimestamp() || s.StartTimestamp() == 0 {
			t.Errorf("span %s ends before it starts (%d, %d)", s.Name(), s.StartTimestamp(), s.EndTimestamp())
		}
	}
	if orphans > 0 {
		t.Errorf("%d of %d spans have a parent the collector never received", orphans, len(spans))
	}
	for fn, line := range p.lines {
		if len(named[fn]) == 0 {
			t.Errorf("no span for function %s; received %d spans", fn, len(spans))
			continue
		}
		if got, _ := named[fn][0].Attributes().Get("code.line.number"); got.Int() != line {
			t.Errorf("%s: code.line.number %d, want %d (the original source's line)", fn, got.Int(), line)
		}
	}
	// The bad entry: parse raises, total lets it escape, main catches it.
	var raised, escaped bool
	for _, s := range named["parse"] {
		if s.Status().Code() != ptrace.StatusCodeError {
			continue
		}
		raised = true
		ev := findEvent(s, "exception")
		if ev == nil || !strings.Contains(str(ev.Attributes(), "exception.type"), "EntryError") {
			t.Errorf("parse's ERROR span has no exception event with exception.type EntryError: %v", events(s))
		}
		parent, ok := byID[s.ParentSpanID()]
		if !ok || !strings.HasSuffix(str(parent.Attributes(), "code.function.name"), "total") {
			t.Errorf("the failing parse span's parent is not total's span")
			continue
		}
		escaped = parent.Status().Code() == ptrace.StatusCodeError
		if grand, ok := byID[parent.ParentSpanID()]; !ok || grand.Status().Code() == ptrace.StatusCodeError {
			t.Errorf("main caught the exception: its span must exist and not be ERROR")
		}
	}
	if !raised || !escaped {
		t.Errorf("the exception: raised in parse %v, escaped total %v; want both ERROR", raised, escaped)
	}
	t.Logf("%s: %d spans in %d requests, 0 orphans", p.dir, len(spans), len(batches))
}

// str reads a string attribute, "" when absent.
func str(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func findEvent(s ptrace.Span, name string) *ptrace.SpanEvent {
	for _, e := range s.Events().All() {
		if e.Name() == name {
			return &e
		}
	}
	return nil
}

func events(s ptrace.Span) []any {
	var out []any
	for _, e := range s.Events().All() {
		out = append(out, map[string]any{"name": e.Name(), "attributes": e.Attributes().AsRaw()})
	}
	return out
}

// toolBinary returns the telemetry-inject binary: TELEMETRY_INJECT_BIN,
// or one built from the main module two folders up.
func toolBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("TELEMETRY_INJECT_BIN"); bin != "" {
		return bin
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "telemetry-inject")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/telemetry-inject")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building telemetry-inject in %s: %v\n%s", root, err, out)
	}
	return bin
}

// runProgram runs name with args in dir, the environment plus env, and
// returns its standard output; it fails the test on a non-zero exit.
func runProgram(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE=", "OTEL_SDK_DISABLED="), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v in %s: %v\n%s%s", name, args, dir, err, out.String(), errOut.String())
	}
	return out.String()
}

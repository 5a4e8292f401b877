package goruntime

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The runtime reads its configuration once per process, at the first
// instrumented call: every test here shares one spans file.
var spansFile string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "goruntime-")
	if err != nil {
		panic(err)
	}
	spansFile = filepath.Join(dir, "spans.jsonl")
	os.Setenv("TELEMETRY_INJECT_FILE", spansFile)
	os.Unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	os.Unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	os.Unsetenv("OTEL_SDK_DISABLED")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type span struct {
	SpanID, ParentSpanID, Name string
	Status                     struct{ Code int }
}

func readSpans(t *testing.T) map[string][]span {
	t.Helper()
	f, err := os.Open(spansFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]span{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var s span
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		out[s.Name] = append(out[s.Name], s)
	}
	return out
}

// The functions below are instrumented by hand as the renderer does.

func panics() { defer _telemetry_utils_fn(nil, "t.panics", "t.go", 1, true, false).end(); panic("x") }

func recovers() (err interface{}) {
	defer _telemetry_utils_fn(nil, "t.recovers", "t.go", 2, true, false).end()
	defer func() { err = recover() }()
	panics()
	return nil
}

func exits(wg *sync.WaitGroup) {
	defer wg.Done()
	defer _telemetry_utils_fn(nil, "t.exits", "t.go", 3, true, false).end()
	runtime.Goexit()
}

func outer() {
	defer _telemetry_utils_fn(nil, "t.outer", "t.go", 4, true, false).end()
	l := _telemetry_utils_loop("t.outer.loop", "t.go", 5)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		l.tick()
		wg.Add(1)
		go func() { defer wg.Done(); child() }() // not handed a context: a root
	}
	wg.Wait()
}

func child() { defer _telemetry_utils_fn(nil, "t.child", "t.go", 6, true, false).end() }

// TestPanicsGoexitAndGoroutines: an escaping panic is an ERROR and goes on
// unchanged, a recovered one and runtime.Goexit are not errors, and a
// goroutine's span is never the child of its creator's without a context.
func TestPanicsGoexitAndGoroutines(t *testing.T) {
	if got := recovers(); got != "x" {
		t.Fatalf("the panic reached the recover as %v, want x", got)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go exits(&wg)
	wg.Wait()
	outer()
	spans := readSpans(t)
	check := func(name string, n, code int) {
		t.Helper()
		if len(spans[name]) != n {
			t.Fatalf("%d %s spans, want %d", len(spans[name]), name, n)
		}
		for _, s := range spans[name] {
			if s.Status.Code != code {
				t.Errorf("%s status %d, want %d", name, s.Status.Code, code)
			}
		}
	}
	check("t.panics", 1, 2)
	check("t.recovers", 1, 0)
	check("t.exits", 1, 0)
	check("t.child", 3, 0)
	if spans["t.panics"][0].ParentSpanID != spans["t.recovers"][0].SpanID {
		t.Error("t.panics is not the child of t.recovers")
	}
	for _, c := range spans["t.child"] {
		if c.ParentSpanID != "" {
			t.Errorf("a goroutine's span has parent %s: the creator's span leaked into it", c.ParentSpanID)
		}
	}
}

// TestConcurrentSpans runs spans, loops and variables from many goroutines
// at once (run with -race).
func TestConcurrentSpans(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				func() {
					defer _telemetry_utils_fn(nil, "t.work", "t.go", 7, true, true, "i", &i).end()
					l := _telemetry_utils_loop("t.work.loop", "t.go", 8)
					l.tick()
					s := []int{i}
					_telemetry_utils_var("t.work.s", "t.go", 9, &s)
				}()
			}
		}()
	}
	wg.Wait()
	if n := len(readSpans(t)["t.work"]); n != 1600 {
		t.Errorf("%d t.work spans, want 1600", n)
	}
}

// BenchmarkSpan measures one instrumented call with telemetry on (a span
// written to the JSON-lines file), a loop event and tick, and a variable.
func BenchmarkSpan(b *testing.B) {
	for i := 0; i < b.N; i++ {
		func() {
			defer _telemetry_utils_fn(nil, "t.bench", "t.go", 10, true, false, "i", &i).end()
			l := _telemetry_utils_loop("t.bench.loop", "t.go", 11)
			l.tick()
			_telemetry_utils_var("t.bench.i", "t.go", 12, &i)
		}()
	}
}

// BenchmarkTick is one counted loop iteration.
func BenchmarkTick(b *testing.B) {
	defer _telemetry_utils_fn(nil, "t.tick", "t.go", 13, true, false).end()
	l := _telemetry_utils_loop("t.tick.loop", "t.go", 14)
	for i := 0; i < b.N; i++ {
		l.tick()
	}
}

// TestRecordedValuesAreRedacted: with values opted in, a string is
// recorded only when it holds nothing shaped like a secret, and a variable
// whose name reads as a secret (in any case style or language the other
// runtimes know) gives its shape only: the Go runtime follows the same
// rules as the Python and JavaScript ones.
func TestRecordedValuesAreRedacted(t *testing.T) {
	for _, s := range []string{
		"Bearer abc.def", "basic dXNlcjpwYXNz", "postgres://app:hunter2@db/x", "-----BEGIN RSA PRIVATE KEY-----",
		"sk-proj-1234567890abcdef", "ghp_0123456789abcdefABCDEF", "AKIAIOSFODNN7EXAMPLE",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "password=hunter2", "api_key: x", "q8Zr2LmX0vTy7WpK4sNd",
	} {
		if got := _telemetry_utils_redact(s); got != "[REDACTED]" {
			t.Errorf("redact(%q) = %q", s, got)
		}
	}
	for _, s := range []string{"pending", "GET", "en-US", "orders.created", "total 3.5", "password"} {
		if got := _telemetry_utils_redact(s); got != s {
			t.Errorf("redact(%q) = %q, want it kept", s, got)
		}
	}
	for _, name := range []string{"dbPass", "smtp_pass", "userPassword", "private_pem", "passwort", "DSN", "apiKey", "sessionID"} {
		if !_telemetry_utils_sensitive(name) {
			t.Errorf("%q must read as sensitive", name)
		}
	}
	for _, name := range []string{"passenger", "total", "items", "keyboardLayout"} {
		if _telemetry_utils_sensitive(name) {
			t.Errorf("%q must not read as sensitive", name)
		}
	}
	status, token := "pending", "sk-proj-1234567890abcdef"
	if got := _telemetry_utils_describe("status", &status, true); got != `{"stringValue":"pending"}` {
		t.Errorf("describe(status) = %s", got)
	}
	if got := _telemetry_utils_describe("reply", &token, true); got != `{"stringValue":"[REDACTED]"}` {
		t.Errorf("describe(reply) = %s, want the token redacted", got)
	}
}

type ownError struct{ calls *int }

func (e ownError) Error() string { *e.calls++; return "own" }

// TestErrorMessages: the message of an error is read only from the
// standard library's own types and wrappers around them; any error whose
// Error method is the program's, even deep in a standard wrapper, gives
// its type alone, and that method is never called.
func TestErrorMessages(t *testing.T) {
	calls := 0
	own := ownError{&calls}
	_, numErr := strconv.Atoi("x1")
	_, openErr := os.Open("/nonexistent/x")
	var nilPath *fs.PathError
	for _, c := range []struct {
		err  error
		want string
		ok   bool
	}{
		{errors.New("plain"), "plain", true},
		{fmt.Errorf("wrapped: %w", own), "wrapped: own", true}, // Errorf called Error itself
		{numErr, `strconv.Atoi: parsing "x1": invalid syntax`, true},
		{openErr, "open /nonexistent/x: no such file or directory", true},
		{&fs.PathError{Op: "read", Path: "p", Err: own}, "", false},
		{&url.Error{Op: "Get", URL: "u", Err: &fs.PathError{Op: "o", Path: "p", Err: own}}, "", false},
		{errors.Join(errors.New("a")), "", false},
		{own, "", false},
		{nilPath, "", false},
	} {
		before := calls
		got, ok := _telemetry_utils_errMessage(reflect.ValueOf(c.err), 0)
		if got != c.want || ok != c.ok {
			t.Errorf("%T: message %q %v, want %q %v", c.err, got, ok, c.want, c.ok)
		}
		if calls != before {
			t.Errorf("%T: the program's Error method was called", c.err)
		}
	}
	for _, e := range []error{io.EOF, context.Canceled, filepath.SkipDir} {
		if !_telemetry_utils_controlFlow(reflect.ValueOf(e)) {
			t.Errorf("%v is control flow", e)
		}
	}
	if _telemetry_utils_controlFlow(reflect.ValueOf(io.ErrUnexpectedEOF)) {
		t.Error("io.ErrUnexpectedEOF is a failure")
	}
}

func failsWith(name string, values bool, secret string) (err error) {
	defer _telemetry_utils_fn(nil, name, "t.go", 20, true, values).endErr(&err)
	_, err = strconv.Atoi(secret)
	return err
}

// TestErrorMessageOnlyWithValues: an error's message is program data
// (strconv.Atoi repeats its input), so a span records it, in its exception
// event and its status, only when the call records values.
func TestErrorMessageOnlyWithValues(t *testing.T) {
	_ = failsWith("t.shapes", false, "VALUE-hunter2")
	_ = failsWith("t.values", true, "VALUE-opted-in")
	raw, err := os.ReadFile(spansFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.Contains(line, `"t.shapes"`):
			if strings.Contains(line, "VALUE") || !strings.Contains(line, `"message":"*strconv.NumError"`) {
				t.Errorf("without values the error's message was exported, or the type was not: %s", line)
			}
		case strings.Contains(line, `"t.values"`):
			if !strings.Contains(line, `parsing \"VALUE-opted-in\"`) {
				t.Errorf("with values the error's message is missing: %s", line)
			}
		}
	}
	if n := strings.Count(string(raw), `"name":"t.shapes"`) + strings.Count(string(raw), `"name":"t.values"`); n != 2 {
		t.Fatalf("%d of the 2 spans exported", n)
	}
}

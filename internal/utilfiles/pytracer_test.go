package utilfiles

import (
	"path/filepath"
	"testing"
)

// TestPythonTracerCallbacksReenterWithoutDeadlock runs instrumented code
// under a profile function and trace functions of the program's own that
// are instrumented too. The runtime's own lines and C calls call them back
// on the same thread, and their spans come back into the runtime while it
// holds its configuration lock (the first span, under a tracer measuring
// os, which the configuration reads) or the exporter's queue lock (the C
// call that releases it): with plain locks both waited for themselves for
// ever (CPython's test_sys_setprofile, instrumented, hung so). The program
// must behave as its plain twin, with export off and on, and the spans of
// the callbacks opened outside those locks are recorded.
func TestPythonTracerCallbacksReenterWithoutDeadlock(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "tracerreentry.py")
	plain := run(t, p.dir, cleanEnv(), py, p.plainP)
	if plain.code != 0 {
		t.Fatalf("plain program failed (exit %d):\n%s", plain.code, plain.out)
	}
	sameBehaviour(t, plain, run(t, p.dir, cleanEnv(), py, p.prog), slack)
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	sameBehaviour(t, plain, run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), py, p.prog), slack)
	if t.Failed() {
		return
	}
	names := map[string]int{}
	for _, s := range decode(t, [][]byte{fileSpans(t, out)}) {
		names[s.Name]++
	}
	if names["work"] == 0 || names["profiler"] == 0 || names["tracer"] == 0 {
		t.Errorf("spans by name %v: want work's, profiler's and tracer's", names)
	}
}

// TestPythonSignalHandlerSpansDoNotDeadlock runs an instrumented signal
// handler every 100 µs while instrumented code opens spans. The handler
// runs on the main thread between two byte codes, also while the runtime
// configures itself under its lock at the first span, and its span comes
// back to configure: with a plain lock the program hung in each of three
// runs. It must behave as its plain twin, with export on, three times
// over.
func TestPythonSignalHandlerSpansDoNotDeadlock(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "sigreentry.py")
	plain := run(t, p.dir, cleanEnv(), py, p.plainP)
	if plain.code != 0 {
		t.Fatalf("plain program failed (exit %d):\n%s", plain.code, plain.out)
	}
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	for try := 0; try < 3 && !t.Failed(); try++ {
		sameBehaviour(t, plain, run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), py, p.prog), slack)
	}
}

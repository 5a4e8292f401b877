package utilfiles

import (
	"path/filepath"
	"testing"
)

// TestPythonSpansInGarbageCollectionDoNotCrash runs finalizers and a gc
// callback with spans while the collector runs every few allocations, so
// that it often starts inside the runtime's own ContextVar.set or while a
// thread holds the exporter's lock. On Python 3.11 and older a span opened
// there freed the context's variables under that set (CPython gh-148891):
// a segfault within a few thousand rounds; on any version it could
// deadlock. The program must behave as its plain twin, three times over,
// and the code the collector runs gets no span.
func TestPythonSpansInGarbageCollectionDoNotCrash(t *testing.T) {
	py := tool(t, "python3")
	p := pythonProject(t, "gcreentry.py")
	const rounds = "20000"
	plain := run(t, p.dir, cleanEnv(), py, p.plainP, rounds)
	if plain.code != 0 {
		t.Fatalf("plain program failed (exit %d):\n%s", plain.code, plain.out)
	}
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	for try := 0; try < 3; try++ {
		got := run(t, p.dir, cleanEnv("TELEMETRY_INJECT_FILE="+out, "TELEMETRY_INJECT_SPANS_PER_SECOND=0"), py, p.prog, rounds)
		sameBehaviour(t, plain, got, slack)
		if t.Failed() {
			return
		}
	}
	names := map[string]int{}
	for _, s := range decode(t, [][]byte{fileSpans(t, out)}) {
		names[s.Name]++
	}
	if names["main"] != 3 || names["work"] == 0 || names["Cycle.__del__"] != 0 || names["on_gc"] != 0 {
		t.Errorf("spans by name %v: want main's and work's, none from the collector's finalizers and callbacks", names)
	}
}

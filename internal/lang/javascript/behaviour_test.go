package javascript

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstrumentedProgramsBehaveTheSame runs sample programs before and
// after instrumentation with real node, against the test runtime in
// testdata/runtime, and requires identical stdout and exit status, plus
// spans actually recorded.
func TestInstrumentedProgramsBehaveTheSame(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	js, _ := languages(t, Options{})
	for _, name := range []string{"program.cjs", "program.mjs"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/behaviour", name))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			runtimeCJS, _ := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
			runtimeESM, _ := os.ReadFile("testdata/runtime/_telemetry_utils.mjs")
			// The injected import names "./_telemetry_utils.js"; package.json
			// decides how node reads it, as the real runtime files do.
			writeFile(t, filepath.Join(dir, "_telemetry_utils.cjs"), runtimeCJS)
			if strings.HasSuffix(name, ".mjs") {
				writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`))
				writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtimeESM)
			} else {
				writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtimeCJS)
			}
			f := testFile(name, src)
			out, cs, err := instrument(js, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			if err := js.Validate(bg, f, out); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "orig_"+name), src)
			writeFile(t, filepath.Join(dir, name), out)
			wantOut, _, wantErr := runNode(t, node, dir, "orig_"+name)
			gotOut, gotStderr, gotErr := runNode(t, node, dir, name)
			if gotOut != wantOut || (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("instrumented program behaves differently\n--- original (err %v)\n%s\n--- instrumented (err %v)\n%s\nstderr:\n%s", wantErr, wantOut, gotErr, gotOut, gotStderr)
			}
			stats := runtimeStats(t, gotStderr)
			if len(stats.Spans) < len(cs)/3 || stats.Events == 0 || stats.Values == 0 || len(stats.Ticks) == 0 {
				t.Fatalf("too little telemetry recorded for %d constructs: %+v", len(cs), stats)
			}
			if len(stats.Failed) == 0 {
				t.Errorf("no span recorded a thrown error: %+v", stats)
			}
			t.Logf("%d constructs, %d span names, %d loop events, %d values", len(cs), len(stats.Spans), stats.Events, stats.Values)
		})
	}
}

type runtimeCounts struct {
	Spans  map[string]int `json:"spans"`
	Failed map[string]int `json:"failed"`
	Events int            `json:"events"`
	Ticks  map[string]int `json:"ticks"`
	Values int            `json:"values"`
}

func runtimeStats(t *testing.T, stderr string) runtimeCounts {
	t.Helper()
	var c runtimeCounts
	i := strings.LastIndex(stderr, "TI-STATS ")
	if i < 0 {
		t.Fatalf("the runtime reported nothing; stderr:\n%s", stderr)
	}
	line := strings.SplitN(stderr[i+len("TI-STATS "):], "\n", 2)[0]
	if err := json.Unmarshal([]byte(line), &c); err != nil {
		t.Fatalf("runtime report %q: %v", line, err)
	}
	return c
}

func runNode(t *testing.T, node, dir, file string) (string, string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), node, file)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

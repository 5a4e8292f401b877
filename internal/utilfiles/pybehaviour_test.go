package utilfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// exportRuns runs an instrumented program with telemetry off, to a file and
// to a collector, checks each run behaves as the plain program, and returns
// the span file's path and the collector's bodies.
func exportRuns(t *testing.T, p project) (file string, bodies [][]byte) {
	t.Helper()
	py := tool(t, "python3")
	plain := run(t, p.dir, cleanEnv(), py, "-W", "error", p.plainP)
	if plain.code != 0 {
		t.Fatalf("plain program: exit %d\n%s", plain.code, plain.out)
	}
	spans := filepath.Join(t.TempDir(), "spans.jsonl")
	c := newCollector(t, 200, 0)
	for name, env := range map[string][]string{"off": nil, "file": {"TELEMETRY_INJECT_FILE=" + spans}, "otlp": {"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.URL}} {
		t.Run(name, func(t *testing.T) {
			sameBehaviour(t, plain, run(t, p.dir, cleanEnv(env...), py, "-W", "error", p.prog), slack)
		})
	}
	bodies, _, _ = c.received()
	return spans, bodies
}

// TestPythonNeverCallsProgramCode passes objects whose __repr__, __str__,
// __len__, __bool__, __eq__, __hash__, __iter__, __getattr__ and
// metaclass hooks log their calls through spans (shapes and opted-in
// values), variable records and exceptions: the log stays empty, the
// objects are collected after the call, and the recorded shapes name the
// types.
func TestPythonNeverCallsProgramCode(t *testing.T) {
	p := pythonProject(t, "sideeffects.py")
	file, bodies := exportRuns(t, p)
	for name, spans := range map[string][]span{"file": decode(t, [][]byte{fileSpans(t, file)}), "otlp": decode(t, bodies)} {
		if len(spans) != 14 {
			t.Errorf("%s: %d spans, want 14", name, len(spans))
		}
		for _, s := range spans {
			switch s.Name {
			case "take":
				if s.Attrs["a"] != "__main__.Loud" && s.Attrs["a"] != "__main__.Meta" {
					t.Errorf("%s: take attributes %v", name, s.Attrs)
				}
			case "fail":
				e := s.EventAttrs[0]
				if _, ok := e["exception.message"]; ok {
					t.Errorf("%s: a message was read from an exception whose arguments are the program's objects: %v", name, e)
				}
			}
		}
	}
}

// TestPythonExportsNoSecret records secrets of every shape issue 11 lists,
// by value (the opt-in), through every exporter: not one byte of them may
// leave the process, while plain values still do.
func TestPythonExportsNoSecret(t *testing.T) {
	p := pythonProject(t, "secrets_prog.py")
	path, bodies := exportRuns(t, p)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := regexp.MustCompile(`SECRET|U0VDUkVU|eyJ|AKIA|c2ln`)
	all := append([][]byte{file}, bodies...)
	for i, b := range all {
		if m := secret.Find(b); m != nil {
			at := bytes.Index(b, m)
			t.Errorf("export %d leaks %q: ...%s...", i, m, b[max(at-200, 0):min(at+50, len(b))])
		}
	}
	for _, want := range []string{`{"stringValue":"ok"}`, `{"stringValue":"idle"}`, `{"intValue":"3"}`, `{"doubleValue":2.5}`, `{"boolValue":true}`, `"[REDACTED]"`} {
		if !bytes.Contains(file, []byte(want)) {
			t.Errorf("the span file lacks the plain value %s", want)
		}
	}
	if n := len(decode(t, bodies)); n != strings.Count(string(file), "\n") || n != 22 {
		t.Errorf("%d spans sent, %d written, want 22", n, strings.Count(string(file), "\n"))
	}
}

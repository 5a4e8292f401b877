package utilfiles

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// exportModes runs a JavaScript project once per destination and returns
// the exported spans' raw bytes (nil with telemetry off).
func exportModes(t *testing.T, p project, args ...string) map[string][]byte {
	t.Helper()
	node := tool(t, "node")
	plain := run(t, p.dir, cleanEnv(), node, append([]string{p.plainP}, args...)...)
	out := map[string][]byte{}
	for _, mode := range []string{"off", "file", "otlp"} {
		env := cleanEnv()
		var c *collector
		file := filepath.Join(t.TempDir(), "spans.jsonl")
		switch mode {
		case "file":
			env = cleanEnv("TELEMETRY_INJECT_FILE=" + file)
		case "otlp":
			c = newCollector(t, 200, 0)
			env = cleanEnv("OTEL_EXPORTER_OTLP_ENDPOINT=" + c.URL)
		}
		sameBehaviour(t, plain, run(t, p.dir, env, node, append([]string{p.prog}, args...)...), slack)
		switch mode {
		case "file":
			out[mode] = fileSpans(t, file)
		case "otlp":
			bodies, _, _ := c.received()
			out[mode] = bytes.Join(bodies, nil)
			if len(bodies) == 0 {
				t.Fatal("the collector received nothing")
			}
		}
	}
	return out
}

// TestJSRuntimeRunsNoProgramCode gives the runtime values whose getters,
// Proxy traps, conversions and inspection hooks count their calls: with
// every exporter the count stays 0 and the global object gains nothing.
func TestJSRuntimeRunsNoProgramCode(t *testing.T) {
	for _, m := range modules {
		t.Run(string(m), func(t *testing.T) {
			p := jsProject(t, "hostile.js", m)
			got := exportModes(t, p)
			spans := decode(t, [][]byte{got["file"]})
			wantShapes := []string{"object", "Array", "function", "object", "object", "object", "Object(2)", "object", "object", "function",
				"Map(2)", "Set(1)", "Array(3)", "Object(2)", "string(4)", "number", "null", "undefined", "bigint", "symbol", "Date"}
			var shapes []string
			events := map[string]int{}
			for _, s := range spans {
				switch s.Name {
				case "shape":
					shapes = append(shapes, s.Attrs["v"].(string))
				case "take":
					if s.EventAttrs[0]["shape"] != s.EventAttrs[1]["value"] && s.Attrs["v"] != "text" && s.Attrs["v"] != int64(42) {
						t.Errorf("take: attributes %v, events %v", s.Attrs, s.EventAttrs)
					}
				case "raise", "araise":
					for i, e := range s.Events {
						if e == "exception" {
							a := s.EventAttrs[i]
							events[a["exception.type"].(string)+":"+a["exception.message"].(string)]++
							stack, _ := a["exception.stacktrace"].(string)
							if a["exception.type"] == "RangeError" && (!strings.HasPrefix(stack, "RangeError: range\n    at ") || !strings.Contains(stack, "/hostile.js:")) {
								t.Errorf("RangeError stack trace %q", stack)
							}
						}
					}
					if s.Status.String() != "Error" {
						t.Errorf("%s: status %v", s.Name, s.Status)
					}
				}
			}
			if strings.Join(shapes, " ") != strings.Join(wantShapes, " ") {
				t.Errorf("shapes\n%q\nwant\n%q", shapes, wantShapes)
			}
			// One event per thrown object, though it crosses three spans;
			// primitives cannot be told apart, so each crossing has one.
			// Messages are read only from own data properties.
			want := map[string]int{"BadError:": 1, "Error:": 1, "Error:lazy": 1, "object:": 2, "string:": 3, "number:": 3, "RangeError:range": 1}
			if len(events) != len(want) {
				t.Errorf("exception events %v, want %v", events, want)
			}
			for k, n := range want {
				if events[k] != n {
					t.Errorf("exception events %v, want %v", events, want)
					break
				}
			}
		})
	}
}

func TestJSNoSecretIsExported(t *testing.T) {
	p := jsProject(t, "secrets.js", source.ModuleCommonJS)
	for mode, b := range exportModes(t, p) {
		if len(b) == 0 || !bytes.Contains(b, []byte("[REDACTED]")) {
			t.Errorf("%s: nothing redacted was exported (%d bytes)", mode, len(b))
		}
		for _, line := range strings.Split(string(b), "SECRET")[1:] {
			t.Errorf("%s: a secret was exported: SECRET%.40s", mode, line)
		}
	}
}

// TestJSStackFrames measures what the runtime adds to Error.stack: nothing
// for enter/exit and after an await; in the synchronous part of an async
// function, run's own frame and AsyncLocalStorage.run's (the context needs
// a call that the runtime makes).
func TestJSStackFrames(t *testing.T) {
	node := tool(t, "node")
	p := jsProject(t, "stack.js", source.ModuleCommonJS)
	want := map[string]string{
		"plain": "sync 0/0, beforeAwait 0/0, afterAwait 0/0",
		"off":   "sync 0/0, beforeAwait 1/0, afterAwait 0/0",
		"file":  "sync 0/0, beforeAwait 1/1, afterAwait 0/0",
	}
	for mode, w := range want {
		prog, env := p.prog, cleanEnv()
		switch mode {
		case "plain":
			prog = p.plainP
		case "file":
			env = cleanEnv("TELEMETRY_INJECT_FILE=" + filepath.Join(t.TempDir(), "spans.jsonl"))
		}
		if got := run(t, p.dir, env, node, prog); got.out != "stdout:\n"+w+"\nstderr:\n" {
			t.Errorf("%s: %s, want %s", mode, got.out, w)
		}
	}
}

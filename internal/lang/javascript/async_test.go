package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// asyncWant is what testdata/async prints instrumented: every kind of
// async function settles `late` ticks after the original (whose result
// arrives before the first of four chained ticks), and an error thrown
// after an await has the original's line and function frames, the
// callers' `at async` ones included.
func asyncWant(t *testing.T, original string, late int) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(original, "\n"), "\n")
	names := []string{"declared", "method", "expression", "block", "shorthand"}
	if len(lines) != len(names)+1 || !strings.HasPrefix(lines[len(names)], "late 1: line ") ||
		!strings.HasSuffix(lines[len(names)], ": inner < outer < main") {
		t.Fatalf("the original prints otherwise than the test expects:\n%s", original)
	}
	for i, name := range names {
		ticks := []string{"t1", "t2", "t3", "t4"}
		if lines[i] != name+" "+strings.Join(ticks, " ") {
			t.Fatalf("the original's %s does not settle before the first tick:\n%s", name, original)
		}
		lines[i] = strings.Join(append(ticks[:late:late], append([]string{name}, ticks[late:]...)...), " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestAsyncFunctionsSettleOneTickLater runs testdata/async, original and
// instrumented (CommonJS and ES module), with the real runtime and node:
// an instrumented async function awaits run, so it settles one tick after
// the original with telemetry off (returning its promise took two) and
// two with spans recorded (the span ends in a reaction to the body's
// promise). Either way V8 follows the await to write the frames of the
// function and its async callers, which a returned promise lost.
func TestAsyncFunctionsSettleOneTickLater(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	for _, c := range []struct {
		name   string
		module source.Module
		pkg    string
	}{
		{"ticks.cjs", source.ModuleCommonJS, `{}`},
		{"ticks.mjs", source.ModuleESM, `{"type": "module"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := readTestFile(t, filepath.Join("testdata/async", c.name))
			out, _, err := instrument(js, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			orig, inst := t.TempDir(), t.TempDir()
			_, runtime := utilfiles.JavaScript(c.module)
			for _, dir := range []string{orig, inst} {
				writeFile(t, filepath.Join(dir, "package.json"), []byte(c.pkg))
			}
			writeFile(t, filepath.Join(orig, c.name), f.Src)
			writeFile(t, filepath.Join(inst, c.name), out)
			writeFile(t, filepath.Join(inst, "_telemetry_utils.js"), runtime)
			original := nodeOutput(t, node, orig, c.name, nil)
			spans := filepath.Join(t.TempDir(), "spans.jsonl")
			for _, m := range []struct {
				env  []string
				late int
			}{{nil, 1}, {[]string{"TELEMETRY_INJECT_FILE=" + spans}, 2}} {
				if got, want := nodeOutput(t, node, inst, c.name, m.env), asyncWant(t, original, m.late); got != want {
					t.Errorf("instrumented (%v) prints\n%s\nwant\n%s\n%s", m.env, got, want, out)
				}
			}
			if b, err := os.ReadFile(spans); err != nil || !strings.Contains(string(b), `"ticks.inner"`) {
				t.Errorf("no span of inner was written (%v):\n%s", err, b)
			}
		})
	}
}

// TestTypeScriptAsyncFunctionsSettleOneTickLater is the CommonJS case of
// TestAsyncFunctionsSettleOneTickLater for TypeScript compiled by the real
// tsc to ES2022 (native async functions).
func TestTypeScriptAsyncFunctionsSettleOneTickLater(t *testing.T) {
	node, tsc := realTSC(t, "compiling TypeScript takes seconds")
	_, ts := languages(t, Options{NoNode: true})
	f := readTestFile(t, "testdata/async/ticks.ts")
	out, _, err := instrument(ts, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	compile := func(code []byte) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "ticks.ts"), code)
		writeFile(t, filepath.Join(dir, "_telemetry_utils.ts"), utilfiles.TypeScript())
		cmd := exec.CommandContext(t.Context(), node, tsc, "--target", "es2022", "--module", "commonjs", "--sourceMap", "--outDir", "out", "ticks.ts")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tsc: %v\n%s\n%s", err, msg, code)
		}
		return filepath.Join(dir, "out")
	}
	// The source map gives the .ts line that threw: the import moves
	// the emitted JavaScript's lines.
	maps := []string{"NODE_OPTIONS=--enable-source-maps"}
	original := nodeOutput(t, node, compile(f.Src), "ticks.js", maps)
	if got, want := nodeOutput(t, node, compile(out), "ticks.js", maps), asyncWant(t, original, 1); got != want {
		t.Errorf("instrumented prints\n%s\nwant\n%s\n%s", got, want, out)
	}
}

// nodeOutput runs file in dir with node and env added, and returns what it
// printed; it must exit 0.
func nodeOutput(t *testing.T, node, dir, file string, env []string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), node, file)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", file, err, b)
	}
	return string(b)
}

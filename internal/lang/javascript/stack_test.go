package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorStackLinesStay runs the programs of testdata/stack, original
// and instrumented with everything on, with real node: each thrown error
// prints the line numbers of the file's frames in err.stack, which must be
// the same, as must all else they print (directives.cjs: whether each
// function's "use strict" still makes it strict). Injected code on lines of
// their own moved every line below them.
func TestErrorStackLinesStay(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	runtime, err := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	if err != nil {
		t.Fatal(err)
	}
	for name, errors := range map[string]int{"stack.cjs": 5, "directives.cjs": 2} {
		t.Run(name, func(t *testing.T) {
			f := readTestFile(t, filepath.Join("testdata/stack", name))
			out, cs, err := instrument(js, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			if err := js.Validate(bg, f, out); err != nil {
				t.Fatal(err)
			}
			orig, inst := t.TempDir(), t.TempDir()
			writeFile(t, filepath.Join(orig, name), f.Src)
			writeFile(t, filepath.Join(inst, name), out)
			writeFile(t, filepath.Join(inst, "_telemetry_utils.js"), runtime)
			want, _, werr := runNode(t, node, orig, name)
			got, stderr, gerr := runNode(t, node, inst, name)
			if werr != nil || gerr != nil {
				t.Fatalf("original: %v, instrumented: %v\n%s", werr, gerr, stderr)
			}
			compareStacks(t, want, got, errors)
			if stats := runtimeStats(t, stderr); len(stats.Failed) == 0 {
				t.Errorf("no span recorded the thrown errors (%d constructs): %+v", len(cs), stats)
			}
		})
	}
}

// TestErrorStackLinesStayInTypeScript compiles testdata/stack/stack.ts,
// original and instrumented, with the real tsc and source maps, and runs
// both with `node --enable-source-maps`: the .ts lines err.stack reports
// through the map must be the same.
func TestErrorStackLinesStayInTypeScript(t *testing.T) {
	node, tsc := realTSC(t, "compiling TypeScript takes seconds")
	_, ts := languages(t, Options{NoNode: true})
	f := readTestFile(t, "testdata/stack/stack.ts")
	out, _, err := instrument(ts, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	run := func(code []byte) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "stack.ts"), code)
		for _, name := range []string{"_telemetry_utils.d.ts", "_telemetry_utils.cjs"} {
			b, err := os.ReadFile(filepath.Join("testdata/runtime", name))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, strings.Replace(name, ".cjs", ".js", 1)), b)
		}
		cmd := exec.CommandContext(t.Context(), node, tsc, "--strict", "--sourceMap", "--target", "es2020",
			"--module", "commonjs", "--outDir", "out", "stack.ts")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tsc: %v\n%s\n%s", err, msg, code)
		}
		if err := os.Rename(filepath.Join(dir, "_telemetry_utils.js"), filepath.Join(dir, "out", "_telemetry_utils.js")); err != nil {
			t.Fatal(err)
		}
		cmd = exec.CommandContext(t.Context(), node, "--enable-source-maps", "out/stack.js")
		cmd.Dir = dir
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, b)
		}
		return string(b)
	}
	compareStacks(t, run(f.Src), run(out), 2)
}

// compareStacks requires the same report of thrown errors from the original
// and the instrumented program, with at least n errors whose frames were
// found.
func compareStacks(t *testing.T, want, got string, n int) {
	t.Helper()
	if strings.Count(want, " @ ") < n || strings.Count(want, " @ \n") > 0 {
		t.Fatalf("the original reports too few frames:\n%s", want)
	}
	if got != want {
		t.Errorf("the instrumented program reports otherwise (err.stack lines moved?)\n--- original\n%s--- instrumented\n%s", want, got)
	}
}

package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestScriptRunsUnderNodeAndWithoutRequire instruments a script with no
// module syntax and runs it three ways with real node: as `node script.js`
// with the runtime beside it (telemetry recorded), and in a fresh vm
// context that has no require, like a browser page, where the lookup must
// fall back to doing nothing and add no global but __ti.
func TestScriptRunsUnderNodeAndWithoutRequire(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/behaviour/script.js")
	out, cs, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Skip != "" {
			t.Fatalf("%s skipped in a plain script: %s", c.QualName, c.Skip)
		}
	}
	if got := js.Module(f); got != "commonjs" {
		t.Errorf("Module(script) = %q, want commonjs (what Node runs it as)", got)
	}
	dir := t.TempDir()
	runtime, _ := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
	writeFile(t, filepath.Join(dir, "orig.js"), f.Src)
	writeFile(t, filepath.Join(dir, "script.js"), out)
	want, _, err := runNode(t, node, dir, "orig.js")
	if err != nil {
		t.Fatal(err)
	}
	got, stderr, err := runNode(t, node, dir, "script.js")
	if err != nil || got != want {
		t.Fatalf("node script.js: %v, stdout %q, want %q\n%s", err, got, want, stderr)
	}
	if stats := runtimeStats(t, stderr); len(stats.Spans) < 2 {
		t.Errorf("too few spans recorded under node: %+v", stats)
	}
	// A browser: run both versions as classic scripts in contexts without
	// require or module, and compare output and the globals they leave.
	browser := `
const vm = require('vm'), fs = require('fs');
for (const file of process.argv.slice(1)) {
  const lines = [];
  const ctx = vm.createContext({console: {log: (...a) => lines.push(a.join(' '))}});
  const before = new Set(Object.getOwnPropertyNames(ctx));
  vm.runInContext(fs.readFileSync(file, 'utf8'), ctx);
  const added = Object.getOwnPropertyNames(ctx).filter((k) => !before.has(k)).sort();
  console.log(file + ': ' + lines.join('|') + ' globals=' + added.join(','));
}`
	cmd := exec.CommandContext(t.Context(), node, "-e", browser, "orig.js", "script.js")
	cmd.Dir = dir
	res, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running as a browser script: %v\n%s", err, res)
	}
	lines := strings.Split(strings.TrimSpace(string(res)), "\n")
	if len(lines) != 2 {
		t.Fatalf("unexpected output:\n%s", res)
	}
	orig, inst := strings.TrimPrefix(lines[0], "orig.js: "), strings.TrimPrefix(lines[1], "script.js: ")
	head, globals, _ := strings.Cut(orig, "globals=")
	names := append(strings.Split(globals, ","), "__ti")
	slices.Sort(names)
	if wantInst := head + "globals=" + strings.Join(names, ","); inst != wantInst {
		t.Errorf("without require: got %q, want %q", inst, wantInst)
	}
}

// TestCommonJSModuleCopiedAloneRuns instruments a CommonJS module, copies
// it alone into a folder without the runtime (as @fastify/error's test
// copies its index.js to fake two installations) and requires it with
// real node: it must run as the original does, without telemetry, where a
// plain require of the runtime threw "Cannot find module".
func TestCommonJSModuleCopiedAloneRuns(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/behaviour/copied.cjs")
	out, _, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const main = `const { createError } = require('./lib/index.cjs')
const E = createError('E_BOOM', 'Boom %s')
const e = E('now')
console.log(e instanceof E, e instanceof Error, e.code, e.message, Object.keys(globalThis).includes('__ti'))
`
	writeFile(t, filepath.Join(dir, "main.cjs"), []byte(main))
	if err := os.Mkdir(filepath.Join(dir, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	var want string
	for i, code := range [][]byte{f.Src, out} {
		writeFile(t, filepath.Join(dir, "lib", "index.cjs"), code)
		got, stderr, err := runNode(t, node, dir, "main.cjs")
		if err != nil {
			t.Fatalf("node main.cjs (instrumented %v): %v\n%s", i == 1, err, stderr)
		}
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("instrumented copy alone prints %q, the original %q", got, want)
		}
	}
}

package utilfiles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// result is what one run of a program did, as the program's user sees it.
type result struct {
	out  string // stdout and stderr, each labelled
	code int
	took time.Duration
}

// tool returns the path of an executable, skipping the test without it.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not on PATH: %v", name, err)
	}
	return p
}

// cleanEnv is the test process's environment without anything that would
// switch telemetry on by accident.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OTEL_") || strings.HasPrefix(kv, "TELEMETRY_INJECT_") || strings.HasPrefix(kv, "NODE_OPTIONS=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// run runs a program in dir and waits for it, for at most a minute.
func run(t testing.TB, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s %v: %v", name, args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not finish within a minute", name, args)
	}
	return result{out: "stdout:\n" + stdout.String() + "stderr:\n" + stderr.String(), code: code, took: took}
}

// slack is how much longer an instrumented run may take than the plain
// one: the exit flush (at most 1 s) plus scheduling noise on a loaded
// machine. A runtime that waited on the slow collector (30 s) would not
// fit in it.
const slack = 8 * time.Second

// sameBehaviour fails the test when got differs from the plain program's
// output or exit code, or took more than slack longer.
func sameBehaviour(t testing.TB, plain, got result, slack time.Duration) {
	t.Helper()
	if got.out != plain.out || got.code != plain.code {
		t.Errorf("instrumented program behaved differently\nplain (exit %d):\n%s\ninstrumented (exit %d):\n%s", plain.code, plain.out, got.code, got.out)
	}
	if got.took > plain.took+slack {
		t.Errorf("instrumented program took %v, the plain one %v (allowed: +%v)", got.took, plain.took, slack)
	}
}

var (
	pyInjectedLine = regexp.MustCompile(`(?m)^[ \t]*[^\n]*# @telemetry-inject\r?\n`)
	pyInlineTick   = regexp.MustCompile(`__ti_tick__\("[^"]*"\); `)
	jsInjected     = regexp.MustCompile(`/\*@ti\{\*/.*?/\*\}@ti\*/`)
	jsWholeLine    = regexp.MustCompile(`(?m)^[ \t]*(/\*@ti\{\*/.*?/\*\}@ti\*/)+[ \t]*\r?\n`)
)

// plainPython removes what telemetry-inject inserted, as --remove does.
func plainPython(src string) string {
	return pyInlineTick.ReplaceAllString(pyInjectedLine.ReplaceAllString(src, ""), "")
}

// plainJS removes what telemetry-inject inserted, as --remove does.
func plainJS(src string) string {
	return jsInjected.ReplaceAllString(jsWholeLine.ReplaceAllString(src, ""), "")
}

// project is a temporary folder holding a program, its plain twin and the
// runtime file it imports.
type project struct {
	dir          string
	prog, plainP string
}

// pythonProject sets up testdata/py/name in a fresh folder.
func pythonProject(t testing.TB, name string) project {
	t.Helper()
	dir := t.TempDir()
	src := readTestdata(t, "py/"+name)
	write(t, dir, name, src)
	write(t, dir, "plain_"+name, plainPython(src))
	write(t, dir, "_telemetry_utils.py", string(Python()))
	return project{dir: dir, prog: name, plainP: "plain_" + name}
}

// jsProject sets up testdata/js/name in a fresh folder as a CommonJS or an
// ES module package, with the runtime variant that package needs.
func jsProject(t testing.TB, name string, module source.Module) project {
	t.Helper()
	dir := t.TempDir()
	src := readTestdata(t, "js/"+name)
	typ := "commonjs"
	if module == source.ModuleESM {
		typ = "module"
		src = strings.Replace(src, `const __ti = require("./_telemetry_utils.js");`, `import * as __ti from "./_telemetry_utils.js";`, 1)
	}
	write(t, dir, "package.json", fmt.Sprintf(`{"name": "prog", "private": true, "type": %q}`, typ))
	write(t, dir, name, src)
	write(t, dir, "plain_"+name, plainJS(src))
	fileName, content := JavaScript(module)
	write(t, dir, fileName, string(content))
	return project{dir: dir, prog: name, plainP: "plain_" + name}
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t testing.TB, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fileSpans reads a TELEMETRY_INJECT_FILE as OTLP: each line is one span in
// the OTLP JSON span shape, so the lines wrapped in one envelope must be
// valid OTLP.
func fileSpans(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the span file: %v", err)
	}
	var spans []json.RawMessage
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("span file line is not JSON: %q", line)
		}
		spans = append(spans, json.RawMessage(line))
	}
	env := map[string]any{"resourceSpans": []any{map[string]any{
		"resource":   map[string]any{},
		"scopeSpans": []any{map[string]any{"scope": map[string]any{"name": "telemetry-inject"}, "spans": spans}},
	}}}
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

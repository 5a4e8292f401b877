package golang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// startEnvProgram clears its environment and changes directory before its
// first instrumented call, as kelseyhightower/envconfig's tests do with
// os.Clearenv: main's body is one line, so main itself is left alone and
// work is the first span.
const startEnvProgram = `package main

import (
	"fmt"
	"os"
)

func main() { os.Clearenv(); must(os.Chdir(os.Args[1])); fmt.Println(work(3)) }

func must(err error) { if err != nil { panic(err) } }

func work(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += i
	}
	return total
}
`

// TestStartEnvironment checks that spans go to the TELEMETRY_INJECT_FILE the
// process started with, relative to the directory it started in, even when
// the program clears its environment and moves elsewhere before its first
// instrumented call (the configuration is read at that call).
func TestStartEnvironment(t *testing.T) {
	l := newLang(t)
	out, _, err := instrument(l, testFile("main.go", []byte(startEnvProgram)), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"main.work"`) || strings.Contains(string(out), `"main.main"`) {
		t.Fatalf("work should be instrumented and main left alone:\n%s", out)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), []byte("module startenv\n\ngo 1.11\n"))
	writeFile(t, filepath.Join(dir, "main.go"), out)
	writeFile(t, filepath.Join(dir, utilfiles.GoFileName), utilfiles.Go("main"))
	goTool(t, dir, "build", "-o", "prog", ".")
	elsewhere := t.TempDir()
	stdout, stderr, code := run(t, dir, []string{"TELEMETRY_INJECT_FILE=spans.jsonl"}, elsewhere)
	if code != 0 || stdout != "3\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "spans.jsonl")); err == nil {
		t.Errorf("spans went to the directory the program moved to")
	}
	spans := readSpans(t, filepath.Join(dir, "spans.jsonl"))
	if len(spans) != 1 || spans[0].Name != "main.work" {
		t.Errorf("spans = %+v, want one main.work", spans)
	}
}

package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestExporterIgnoresJestFakeTimers instruments testdata/faketimers and
// runs the real jest with fakeTimers.enableGlobally, which fakes
// setTimeout and queueMicrotask before any module of the test loads:
// while spans were written to a file, the runtime took the fakes, and the
// test's jest.getTimerCount() counted the exporter's batch timer and the
// stack reset (2 instead of 0). The spans must also reach the file: jest
// gives each test file a copy of process whose 'exit' never comes, and the
// file was never written.
func TestExporterIgnoresJestFakeTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("installs jest")
	}
	node := needNode(t)
	modules := filepath.Join(npmtest.Install(t, "jest@30.5.2", "vitest@3.2.7"), "node_modules")
	js, _ := languages(t, Options{})
	dir := t.TempDir()
	inputs, _ := filepath.Glob("testdata/faketimers/*")
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(in)
		if name == "lib.js" {
			f := testFile(name, src)
			f.Module = source.ModuleCommonJS
			if src, _, err = instrument(js, f, testDecision); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(src), "__ti.enter(") {
				t.Fatalf("lib.js was not instrumented:\n%s", src)
			}
		}
		writeFile(t, filepath.Join(dir, name), src)
	}
	_, runtime := utilfiles.JavaScript(source.ModuleCommonJS)
	writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	spans := filepath.Join(dir, "spans.jsonl")
	for _, export := range []string{"", spans} {
		cmd := exec.CommandContext(t.Context(), node, filepath.Join(modules, "jest", "bin", "jest.js"), "--ci")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CI=1", "NO_COLOR=1", "TELEMETRY_INJECT_FILE="+export)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("jest fails on the instrumented project with TELEMETRY_INJECT_FILE=%q: %v\n%s", export, err, out)
		}
	}
	b, err := os.ReadFile(spans)
	if err != nil {
		t.Fatalf("no spans written under jest: %v", err)
	}
	if !strings.Contains(string(b), `"name":"add"`) && !strings.Contains(string(b), `.add"`) {
		t.Errorf("the span of add is missing from %s:\n%s", spans, b)
	}
}

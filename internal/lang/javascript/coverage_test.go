package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestCoverageThresholdStillPasses runs the real c8 (V8 coverage) and nyc
// (istanbul) with 100% thresholds over testdata/coverage, whose test
// covers all of lib.js, original and instrumented (the runtime beside it,
// counted as any file the tests load): all must pass. The runtime's lines
// and the injected catch blocks and lookup fallback, which run only when
// something fails, made the instrumented runs miss the thresholds.
func TestCoverageThresholdStillPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("installs c8 and nyc")
	}
	node := needNode(t)
	modules := filepath.Join(npmtest.Install(t, "c8@10.1.3", "nyc@17.1.0"), "node_modules")
	tools := map[string][]string{
		"c8":  {filepath.Join(modules, "c8", "bin", "c8.js"), "--100", "--reporter=text"},
		"nyc": {filepath.Join(modules, "nyc", "bin", "nyc.js"), "--check-coverage", "--lines=100", "--branches=100", "--functions=100", "--statements=100", "--reporter=text"},
	}
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/coverage/lib.js")
	f.Module = source.ModuleCommonJS
	out, _, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	test, err := os.ReadFile("testdata/coverage/lib.test.js")
	if err != nil {
		t.Fatal(err)
	}
	_, runtime := utilfiles.JavaScript(source.ModuleCommonJS)
	for _, c := range []struct {
		name    string
		lib     []byte
		runtime bool
	}{{"original", f.Src, false}, {"instrumented", out, true}} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "package.json"), []byte(`{}`))
		writeFile(t, filepath.Join(dir, "lib.js"), c.lib)
		writeFile(t, filepath.Join(dir, "lib.test.js"), test)
		if c.runtime {
			writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
		}
		for tool, args := range tools {
			cmd := exec.CommandContext(t.Context(), node, append(args, node, "--test", "lib.test.js")...)
			cmd.Dir = dir
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s with 100%% thresholds fails on the %s: %v\n%s", tool, c.name, err, b)
			}
		}
	}
}

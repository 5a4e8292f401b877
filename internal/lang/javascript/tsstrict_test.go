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

// TestStrictTypeScriptStillTypeChecks instruments the projects in
// testdata/tsstrict (every construct, shapes and opted-in values) and runs
// the real tsc over original and output with the strictest flags
// (tsstrict/tsconfig.json), with the real TypeScript runtime, under each module setting: the original passes,
// so the output must too. The outputs are golden files.
func TestStrictTypeScriptStillTypeChecks(t *testing.T) {
	node, tsc := realTSC(t, "type checking takes seconds")
	_, ts := languages(t, Options{})
	base, err := os.ReadFile("testdata/tsstrict/tsconfig.json")
	if err != nil {
		t.Fatal(err)
	}
	// The real TypeScript runtime the tool writes beside the sources.
	runtime := utilfiles.TypeScript()
	configs := []struct{ name, dir, pkgType, module string }{
		{"esm-nodenext", "esm", "module", `"module": "nodenext", "moduleResolution": "nodenext"`},
		{"cjs-nodenext", "cjs", "commonjs", `"module": "nodenext", "moduleResolution": "nodenext"`},
		{"cjs-commonjs", "cjs", "commonjs", `"module": "commonjs", "moduleResolution": "node10"`},
	}
	for i, cfg := range configs {
		// Opted-in values change only the arguments: one module setting
		// checks them, which keeps the test to four tsc runs of seconds.
		for _, values := range []bool{false, true}[:1+min(1, 1-i)] {
			name := cfg.name
			if values {
				name += "-values"
			}
			t.Run(name, func(t *testing.T) {
				inputs, _ := filepath.Glob(filepath.Join("testdata/tsstrict", cfg.dir, "*.ts"))
				orig, inst := t.TempDir(), t.TempDir()
				for _, dir := range []string{orig, inst} {
					writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "`+cfg.pkgType+`"}`))
					conf := strings.Replace(string(base), `"compilerOptions": {`, `"compilerOptions": {`+"\n    "+cfg.module+",", 1)
					writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(conf))
					writeFile(t, filepath.Join(dir, "_telemetry_utils.ts"), runtime)
				}
				for _, in := range inputs {
					src, err := os.ReadFile(in)
					if err != nil {
						t.Fatal(err)
					}
					f := testFile(filepath.Base(in), src)
					out, _, err := instrument(ts, f, func(c *source.Construct) source.Decision {
						d := testDecision(c)
						d.RecordValue = values
						return d
					})
					if err != nil {
						t.Fatal(err)
					}
					if values {
						compareGolden(t, strings.Replace(in, ".ts", ".values.golden", 1), out)
					} else {
						compareGolden(t, in+".golden", out)
					}
					writeFile(t, filepath.Join(orig, filepath.Base(in)), src)
					writeFile(t, filepath.Join(inst, filepath.Base(in)), out)
				}
				for _, dir := range []string{orig, inst} {
					cmd := exec.CommandContext(t.Context(), node, tsc, "-p", ".")
					cmd.Dir = dir
					if msg, err := cmd.CombinedOutput(); err != nil {
						what := "the original"
						if dir == inst {
							what = "the instrumented project"
						}
						t.Fatalf("tsc rejects %s: %v\n%s", what, err, msg)
					}
				}
			})
		}
	}
}

package javascript

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestRealStrictProjectStillTypeChecks instruments every construct of a
// real strict TypeScript project, rxjs 7's src (published with its
// tsconfigs: strict, noImplicitReturns, CommonJS, ES5 with
// downlevelIteration), with the default decisions (shapes, no values),
// places the real TypeScript runtime where the tool would (src/), and runs
// the project's own `tsc -p src/tsconfig.cjs.json` with the real compiler:
// the original passes, so the instrumented project must.
func TestRealStrictProjectStillTypeChecks(t *testing.T) {
	node, tsc := realTSC(t, "type-checks a real project twice (a minute)")
	modules := npmCorpus(t)
	pkg := filepath.Join(modules, "rxjs")
	_, ts := languages(t, Options{NoNode: true})
	dirs := map[string]string{"original": t.TempDir(), "instrumented": t.TempDir()}
	var files, constructs, skipped int
	err := filepath.WalkDir(filepath.Join(pkg, "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(pkg, p)
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := src
		if strings.HasSuffix(p, ".ts") && !isDeclarationFile(p) {
			srcRel, _ := filepath.Rel(filepath.Join(pkg, "src"), p)
			f := testFile(filepath.ToSlash(srcRel), src)
			var cs []source.Construct
			out, cs, err = instrument(ts, f, func(c *source.Construct) source.Decision {
				d := testDecision(c)
				d.RecordValue = false
				return d
			})
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			files++
			constructs += len(cs)
			for _, c := range cs {
				if c.Skip != "" {
					skipped++
				}
			}
		}
		for which, b := range map[string][]byte{"original": src, "instrumented": out} {
			target := filepath.Join(dirs[which], rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			writeFile(t, target, b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dirs["instrumented"], "src", "_telemetry_utils.ts"), utilfiles.TypeScript())
	for _, which := range []string{"original", "instrumented"} {
		conf, err := os.ReadFile(filepath.Join(pkg, "tsconfig.json"))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dirs[which], "tsconfig.json"), conf)
		cmd := exec.CommandContext(t.Context(), node, tsc, "-p", "src/tsconfig.cjs.json", "--noEmit", "--incremental", "false")
		cmd.Dir = dirs[which]
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tsc rejects the %s project: %v\n%.4000s", which, err, msg)
		}
	}
	t.Logf("rxjs src: %d TypeScript files, %d constructs (%d skipped); tsc passes on both", files, constructs, skipped)
}

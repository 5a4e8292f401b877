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

// TestHoistedFactoriesAreLeftAlone: what jest.mock's factory and
// vi.hoisted's callback hold (functions, variables) is skipped, chained
// and parenthesised forms included; vi.mock's and jest.doMock's factories,
// which run after the file's imports, and the rest of the file are not.
func TestHoistedFactoriesAreLeftAlone(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	src := `jest.mock("./a", () => {
  const a = 1;
  return { a };
}).mock("./b", /* c */ (function () { return { b: 2 }; }));
const m = vi.hoisted(() => {
  const base = "x";
  return { base };
});
vi.mock("./c", () => { const c = 3; return { c }; });
jest.doMock("./d", () => { const d = 4; return { d }; });
function plain() { const p = 5; return p; }
`
	cs, err := js.Find(testFile("setup.js", []byte(src)))
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[int]int{}
	kept := map[int]int{}
	for _, c := range cs {
		if c.Skip == reasonHoisted {
			skipped[c.Range.StartLine]++
		} else {
			kept[c.Range.StartLine]++
		}
	}
	for _, line := range []int{1, 2, 4, 5, 6} {
		if skipped[line] == 0 {
			t.Errorf("nothing on line %d is left alone: %+v", line, cs)
		}
	}
	for _, line := range []int{9, 10, 11} {
		if skipped[line] != 0 || kept[line] == 0 {
			t.Errorf("line %d: %d left alone, %d kept", line, skipped[line], kept[line])
		}
	}
}

// TestHoistedFactoriesRunUnderTheirRunners instruments testdata/hoisted
// (everything but the tests) and runs the real jest and vitest: babel-jest
// refused the instrumented factory at transform time (it reads __ti), and
// vitest ran the instrumented vi.hoisted callback before the runtime's
// import had bound.
func TestHoistedFactoriesRunUnderTheirRunners(t *testing.T) {
	if testing.Short() {
		t.Skip("installs jest and vitest")
	}
	node := needNode(t)
	modules := filepath.Join(npmtest.Install(t, "jest@30.5.2", "vitest@3.2.7"), "node_modules")
	js, _ := languages(t, Options{})
	for _, c := range []struct {
		runner string
		module source.Module
		args   []string
	}{
		{"jest", source.ModuleCommonJS, []string{filepath.Join(modules, "jest", "bin", "jest.js"), "--ci"}},
		{"vitest", source.ModuleESM, []string{filepath.Join(modules, "vitest", "vitest.mjs"), "run"}},
	} {
		t.Run(c.runner, func(t *testing.T) {
			dir := t.TempDir()
			inputs, _ := filepath.Glob(filepath.Join("testdata/hoisted", c.runner, "*"))
			for _, in := range inputs {
				src, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				name := filepath.Base(in)
				if strings.HasSuffix(name, ".js") && !strings.HasSuffix(name, ".test.js") && !strings.HasSuffix(name, ".config.js") {
					f := testFile(name, src)
					f.Module = c.module
					if src, _, err = instrument(js, f, testDecision); err != nil {
						t.Fatal(err)
					}
				}
				writeFile(t, filepath.Join(dir, name), src)
			}
			if setup, _ := os.ReadFile(filepath.Join(dir, "setup.js")); !strings.Contains(string(setup), "__ti.enter(") {
				t.Fatalf("the setup file was not instrumented outside its factories:\n%s", setup)
			}
			_, runtime := utilfiles.JavaScript(c.module)
			writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
			if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(t.Context(), node, c.args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CI=1", "NO_COLOR=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s fails on the instrumented project: %v\n%s", c.runner, err, out)
			}
		})
	}
}

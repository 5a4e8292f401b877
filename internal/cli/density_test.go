package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/pipeline"
	"github.com/telemetry-inject/telemetry-inject/internal/scan"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// densityGoal is the noise budget of the default density, issue 11: at
// most 5 injected lines per 100 source lines.
const densityGoal = 5.0

// TestDensityBudgetOnRealCode runs the real pipeline offline, in dry run,
// on the Python standard library and on express, lodash and express's
// dependencies from npm, at each density, and fails when the default
// (low) adds more than densityGoal lines per 100 or when a higher density
// adds fewer lines than a lower one. -short takes every 10th file of the
// large corpora.
func TestDensityBudgetOnRealCode(t *testing.T) {
	corpora := []struct {
		name  string
		files func(t *testing.T) []source.File
	}{
		{"python-stdlib", stdlibDensityCorpus},
		{"npm-express-lodash", npmDensityCorpus},
		// The web framework alone: dense code, no lodash to dilute it.
		{"npm-express", func(t *testing.T) []source.File {
			modules := filepath.Join(npmtest.Install(t, npmDensityPackages...), "node_modules")
			return scanCorpus(t, filepath.Join(modules, "express"))
		}},
	}
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			files := c.files(t)
			if testing.Short() && len(files) > 100 {
				var sample []source.File
				for i := 0; i < len(files); i += 10 {
					sample = append(sample, files[i])
				}
				files = sample
			}
			prev := -1.0
			for _, d := range decide.Densities() {
				rep := densityRun(t, files, d)
				t.Logf("%s --density %s: %.2f injected lines per 100 (%d in %d source lines, %d of them added, %d files); %s",
					c.name, d, rep.Density(), rep.InjectedLines, rep.SourceLines, rep.AddedLines, len(rep.Files), constructLine(rep))
				if failed := rep.ByStatus[pipeline.StatusFailed]; failed > 0 {
					t.Errorf("--density %s: %d files failed", d, failed)
				}
				if d == decide.Low && rep.Density() > densityGoal {
					t.Errorf("--density low adds %.2f lines per 100, over the budget of %.0f", rep.Density(), densityGoal)
				}
				if rep.Density() < prev {
					t.Errorf("--density %s adds fewer lines (%.2f per 100) than the density below it (%.2f)", d, rep.Density(), prev)
				}
				prev = rep.Density()
			}
			if prev <= densityGoal {
				t.Errorf("--density high adds only %.2f lines per 100: the corpus is too quiet to tell densities apart", prev)
			}
		})
	}
}

// densityRun instruments files in dry run with the built-in planner.
func densityRun(t *testing.T, files []source.File, d decide.Density) *pipeline.Report {
	t.Helper()
	langs, closeLangs := languages()
	defer closeLangs()
	rep, err := pipeline.Run(context.Background(), pipeline.Options{
		Root: t.TempDir(), Files: files, Languages: langs, Decider: dispatch.Builtin{},
		Policy: decide.Policy{Density: d},
		DryRun: true, Diff: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// constructLine summarises constructs by kind: rendered, trimmed by the
// density, declined by the planner.
func constructLine(rep *pipeline.Report) string {
	var parts []string
	for _, k := range source.Kinds {
		m := rep.Constructs[k]
		done := m[pipeline.OutcomeBuiltin]
		parts = append(parts, fmt.Sprintf("%ss %d instrumented, %d trimmed, %d declined", k, done, m[pipeline.OutcomeTrimmed], m[pipeline.OutcomeDeclined]))
	}
	return strings.Join(parts, "; ")
}

// stdlibDensityCorpus scans the Python standard library as a user's run would,
// leaving out installed packages and the test suites (code, but not
// library code, and partly broken on purpose).
func stdlibDensityCorpus(t *testing.T) []source.File {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
	if err != nil {
		t.Fatalf("asking python3 for its standard library: %v", err)
	}
	return scanCorpus(t, strings.TrimSpace(string(out)),
		"site-packages/", "dist-packages/", "test/", "tests/", "idle_test/", "__phello__/")
}

// npmDensityPackages are the JavaScript corpus's packages: the same list as
// the javascript package's corpus test, so one cached install serves both.
var npmDensityPackages = []string{"express@4", "lodash@4", "typescript@5", "rxjs@7"}

// npmDensityCorpus is express, lodash and express's dependencies, each
// package scanned as its own root as a user would instrument it. The
// TypeScript compiler and rxjs's triplicated bundles are left out: they
// are installed for other tests and would outweigh the rest.
func npmDensityCorpus(t *testing.T) []source.File {
	modules := filepath.Join(npmtest.Install(t, npmDensityPackages...), "node_modules")
	entries, err := os.ReadDir(modules)
	if err != nil {
		t.Fatal(err)
	}
	var files []source.File
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		switch e.Name() {
		case "typescript", "rxjs", "tslib", ".bin":
			continue
		}
		for _, f := range scanCorpus(t, filepath.Join(modules, e.Name())) {
			f.Path = e.Name() + "/" + f.Path
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

func scanCorpus(t *testing.T, root string, exclude ...string) []source.File {
	t.Helper()
	res, err := scan.Walk(context.Background(), root, scan.Options{Exclude: exclude, Languages: scanLanguages()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) == 0 {
		t.Fatalf("no files under %s", root)
	}
	return res.Files
}

// TestDensityFlagReachesTheReport runs the command line on the bundled
// example at each density: the JSON report carries the line counts (its
// Python adds lines, its JavaScript writes into existing ones), the
// human summary prints the density, a higher density injects more, and
// --record-values changes what is rendered.
func TestDensityFlagReachesTheReport(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	injected := map[string]int{}
	diffs := map[string]string{}
	for _, d := range []string{"low", "medium", "high"} {
		code, stdout, stderr := runCLI(t, nil, project, "--dry-run", "--json", "--density", d)
		if code != ExitOK {
			t.Fatalf("--density %s: exit %d:\n%s", d, code, stderr)
		}
		var rep struct {
			SourceLines   int    `json:"source_lines"`
			InjectedLines int    `json:"injected_lines"`
			AddedLines    int    `json:"added_lines"`
			Diff          string `json:"diff"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		if rep.SourceLines < 100 || rep.InjectedLines == 0 {
			t.Errorf("--density %s: %d injected lines in %d source lines", d, rep.InjectedLines, rep.SourceLines)
		}
		if rep.AddedLines == 0 || rep.AddedLines > rep.InjectedLines {
			t.Errorf("--density %s: %d lines added of the %d that carry telemetry", d, rep.AddedLines, rep.InjectedLines)
		}
		if n := strings.Count(rep.Diff, "\n+") - strings.Count(rep.Diff, "\n+++"); n < rep.InjectedLines {
			t.Errorf("--density %s: the diff adds %d lines, the report says %d were injected", d, n, rep.InjectedLines)
		}
		injected[d], diffs[d] = rep.InjectedLines, rep.Diff
	}
	if !(injected["low"] < injected["medium"] || injected["medium"] < injected["high"]) || injected["low"] > injected["high"] {
		t.Errorf("injected lines by density: %v, want them to grow with it", injected)
	}
	code, _, stderr := runCLI(t, nil, project, "--dry-run", "--density", "high")
	if code != ExitOK || !strings.Contains(stderr, "  density    ") || !strings.Contains(stderr, "injected lines per 100") || !strings.Contains(stderr, "--density high") {
		t.Errorf("summary does not report the density (exit %d):\n%s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, nil, project, "--dry-run", "--json", "--density", "high", "--record-values")
	if code != ExitOK {
		t.Fatalf("--record-values: exit %d:\n%s", code, stderr)
	}
	var rep struct{ Diff string }
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Diff == diffs["high"] {
		t.Error("--record-values renders exactly what a run without it renders")
	}
}

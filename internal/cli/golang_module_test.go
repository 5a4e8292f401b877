package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoModuleSharedRuntime instruments a module of three packages (main
// calls a, a calls b, with no context passed anywhere) with the offline
// planner: a dry run writes nothing; the run writes one runtime package at
// the module's root, which go list ./... does not list; go vet, go build
// and go test pass with the same count; b's spans are a's children on a's
// goroutine, and not on the goroutine a starts; a second run changes
// nothing; --remove keeps the package while a file still imports it and
// then gives back every byte, the package's folder gone.
func TestGoModuleSharedRuntime(t *testing.T) {
	project := copyTree(t, "testdata/gomodule")
	want := runProgram(t, project, nil, "go", "run", ".")
	wantTests := passed(runProgram(t, project, nil, "go", "test", "-count=1", "-v", "./..."))
	before := snapshot(t, project)

	code, stdout, stderr := runCLI(t, nil, project, "--density", "high", "--dry-run")
	if code != ExitOK || !strings.Contains(stdout, "_telemetry_utils/zz_telemetry_utils.go") {
		t.Fatalf("--dry-run: exit %d, no diff of the runtime package:\n%s\n%s", code, stdout, stderr)
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Fatal("--dry-run changed the tree")
	}
	code, _, stderr = runCLI(t, nil, project, "--density", "high")
	if code != ExitOK || !strings.Contains(stderr, "runtime files: _telemetry_utils/zz_telemetry_utils.go\n") {
		t.Fatalf("exit %d, the summary names no shared runtime package alone:\n%s", code, stderr)
	}
	inst := snapshot(t, project)
	for _, f := range []string{"a/a.go", "b/b.go"} {
		if !strings.Contains(inst[f], `; import _telemetry_utils "example.com/gomodule/_telemetry_utils"`) {
			t.Errorf("%s does not import the shared runtime package:\n%s", f, inst[f])
		}
		if _, ok := inst[filepath.Dir(f)+"/zz_telemetry_utils.go"]; ok {
			t.Errorf("%s got a runtime file of its own", filepath.Dir(f))
		}
	}
	// ./... leaves the runtime package out; named, it is vetted too.
	runProgram(t, project, nil, "go", "vet", "./...", "./_telemetry_utils")
	runProgram(t, project, nil, "go", "build", "./...")
	if list := runProgram(t, project, nil, "go", "list", "./..."); strings.Contains(list, "_telemetry_utils") {
		t.Errorf("go list ./... lists the runtime package:\n%s", list)
	}
	if got := passed(runProgram(t, project, nil, "go", "test", "-count=1", "-v", "./...")); got != wantTests || got < 4 {
		t.Errorf("go test: %d tests passed, want %d", got, wantTests)
	}
	if got := runProgram(t, project, nil, "go", "run", "."); got != want {
		t.Fatalf("instrumented program printed\n%s\nwant\n%s", got, want)
	}

	spansFile := filepath.Join(t.TempDir(), "spans.jsonl")
	runProgram(t, project, []string{"TELEMETRY_INJECT_FILE=" + spansFile}, "go", "run", ".")
	checkModuleSpans(t, readGoSpans(t, spansFile))

	if code, _, stderr := runCLI(t, nil, project, "--density", "high"); code != ExitOK || !equalMaps(snapshot(t, project), inst) {
		t.Fatalf("a second run changed the tree (exit %d):\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, project, "--remove", "--exclude", "b/")
	// Incomplete by design: a runtime kept because code imports it.
	if code != ExitIncomplete || !strings.Contains(stderr, "still imported by b/b.go") {
		t.Fatalf("--remove with b/ excluded: exit %d, the runtime package not kept for b/b.go:\n%s", code, stderr)
	}
	runProgram(t, project, nil, "go", "build", "./...")
	if code, _, stderr := runCLI(t, nil, project, "--remove"); code != ExitOK {
		t.Fatalf("--remove: exit %d:\n%s", code, stderr)
	}
	if after := snapshot(t, project); !equalMaps(after, before) {
		t.Fatalf("--remove did not give back the original tree: %d files, want %d", len(after), len(before))
	}
	if _, err := os.Stat(filepath.Join(project, "_telemetry_utils")); !os.IsNotExist(err) {
		t.Fatalf("--remove left the runtime package's folder: %v", err)
	}
}

// checkModuleSpans requires a's and b's spans to nest across the packages:
// main.main, then a.Run, then every b.Square call made on a.Run's
// goroutine; b.Cube, called on the goroutine a.Run starts without handing
// it a context, is in a trace of its own.
func checkModuleSpans(t *testing.T, spans []goSpan) {
	t.Helper()
	byName := map[string][]goSpan{}
	byID := map[string]goSpan{}
	for _, s := range spans {
		byName[s.Name] = append(byName[s.Name], s)
		byID[s.SpanID] = s
	}
	run, squares, cubes := byName["a.Run"], byName["b.Square"], byName["b.Cube"]
	if len(run) != 1 || len(squares) != 4 || len(cubes) != 1 {
		t.Fatalf("spans: %d a.Run, %d b.Square, %d b.Cube, want 1, 4, 1 (all: %v)", len(run), len(squares), len(cubes), spans)
	}
	if p := byID[run[0].ParentSpanID].Name; p != "main.main" {
		t.Errorf("a.Run's parent is %q, want main.main", p)
	}
	for _, s := range squares {
		if s.ParentSpanID != run[0].SpanID || s.TraceID != run[0].TraceID {
			t.Errorf("b.Square's parent is %q, want a.Run in its trace", byID[s.ParentSpanID].Name)
		}
	}
	if c := cubes[0]; c.TraceID == run[0].TraceID || c.ParentSpanID == run[0].SpanID {
		t.Errorf("b.Cube, on a goroutine handed no context, joined a.Run's trace (parent %q)", byID[c.ParentSpanID].Name)
	}
}

// goSpan is what the tests read of a span in a JSON-lines file.
type goSpan struct{ TraceID, SpanID, ParentSpanID, Name string }

// readGoSpans reads every span of a JSON-lines file.
func readGoSpans(t *testing.T, file string) []goSpan {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var spans []goSpan
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s goSpan
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		spans = append(spans, s)
	}
	return spans
}

// passed counts the tests go test -v reports as passed.
func passed(out string) int {
	return strings.Count(out, "--- PASS: ")
}

// TestGoPerPackageRuntime instruments one package folder of the module:
// the module's root lies above the scanned folder, where --remove could not
// see every importer of a shared package, so the folder gets a runtime
// file of its own, as every folder did before the shared package. The
// module still vets and builds; instrumented whole next (as after an
// upgrade from that layout) it vets and tests, and --remove gives back
// every byte.
func TestGoPerPackageRuntime(t *testing.T) {
	project := copyTree(t, "testdata/gomodule")
	before := snapshot(t, project)
	code, _, stderr := runCLI(t, nil, filepath.Join(project, "b"), "--density", "high")
	if code != ExitOK || !strings.Contains(stderr, "runtime files: zz_telemetry_utils.go\n") {
		t.Fatalf("exit %d, the summary names no per-package runtime file:\n%s", code, stderr)
	}
	inst := snapshot(t, project)
	if strings.Contains(inst["b/b.go"], "import _telemetry_utils") || !strings.Contains(inst["b/b.go"], "_telemetry_utils_fn(") {
		t.Errorf("b/b.go does not call the per-package runtime:\n%s", inst["b/b.go"])
	}
	runProgram(t, project, nil, "go", "vet", "./...")
	runProgram(t, project, nil, "go", "build", "./...")
	// The whole module next: b's files move to the shared package, b's
	// own runtime file stays behind, unused, until --remove.
	if code, _, stderr := runCLI(t, nil, project, "--density", "high"); code != ExitOK {
		t.Fatalf("the module after its folder b: exit %d:\n%s", code, stderr)
	}
	if b := snapshot(t, project)["b/b.go"]; !strings.Contains(b, "import _telemetry_utils") {
		t.Errorf("b/b.go does not import the shared package:\n%s", b)
	}
	runProgram(t, project, nil, "go", "vet", "./...")
	runProgram(t, project, nil, "go", "test", "-count=1", "./...")
	if code, _, stderr := runCLI(t, nil, project, "--remove"); code != ExitOK {
		t.Fatalf("--remove: exit %d:\n%s", code, stderr)
	}
	if after := snapshot(t, project); !equalMaps(after, before) {
		t.Fatalf("--remove did not give back the original tree: %d files, want %d", len(after), len(before))
	}
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoExample instruments the Go example with the offline planner: the
// package still vets, the program prints what the original prints, its
// spans nest (the goroutines main.quote starts join it through the context
// their function literal uses), a
// second run changes nothing, and --remove gives back every byte and
// deletes the runtime file.
func TestGoExample(t *testing.T) {
	project := copyTree(t, "../../examples/shop-go")
	want := runProgram(t, project, nil, "go", "run", ".")
	before := snapshot(t, project)

	code, _, stderr := runCLI(t, nil, project, "--density", "high")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "runtime files: _telemetry_utils/zz_telemetry_utils.go") {
		t.Errorf("the summary names no Go runtime file:\n%s", stderr)
	}
	runProgram(t, project, nil, "go", "vet", ".")
	if got := runProgram(t, project, nil, "go", "run", "."); got != want {
		t.Fatalf("instrumented program printed\n%s\nwant\n%s", got, want)
	}
	spansFile := filepath.Join(t.TempDir(), "spans.jsonl")
	runProgram(t, project, []string{"TELEMETRY_INJECT_FILE=" + spansFile}, "go", "run", ".")
	parents := goSpanParents(t, spansFile)
	for child, parent := range map[string]string{"main.quote": "main.main", "main.quote.go": "main.quote", "main.price": "main.quote.go", "main.Inventory.Reserve": "main.main"} {
		if parents[child] != parent {
			t.Errorf("%s's parent is %q, want %q (all: %v)", child, parents[child], parent, parents)
		}
	}

	instrumented := snapshot(t, project)
	if code, _, stderr := runCLI(t, nil, project, "--density", "high"); code != ExitOK || !equalMaps(snapshot(t, project), instrumented) {
		t.Fatalf("a second run changed the tree (exit %d):\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, nil, project, "--remove"); code != ExitOK {
		t.Fatalf("--remove: exit %d:\n%s", code, stderr)
	}
	if after := snapshot(t, project); !equalMaps(after, before) {
		t.Fatalf("--remove did not give back the original tree: %d files, want %d", len(after), len(before))
	}
}

// goSpanParents maps each span name in a JSON-lines file to the name of
// its parent ("" for a root).
func goSpanParents(t *testing.T, file string) map[string]string {
	t.Helper()
	spans := readGoSpans(t, file)
	names := map[string]string{}
	for _, s := range spans {
		names[s.SpanID] = s.Name
	}
	out := map[string]string{}
	for _, s := range spans {
		out[s.Name] = names[s.ParentSpanID]
	}
	return out
}

// TestGoGoroutineSpansOutliveMain runs a program that exits right after
// wg.Wait(), its goroutines still in their deferred calls: their spans end
// after main.main's, and the runtime waits for them (up to 100 ms) before
// the program exits, so every call's span has its parent in the file.
func TestGoGoroutineSpansOutliveMain(t *testing.T) {
	project := t.TempDir()
	for name, text := range map[string]string{
		"go.mod": "module example.com/settle\n\ngo 1.22\n",
		"main.go": `package main

import (
	"fmt"
	"sync"
	"time"
)

func work(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += i
	}
	return total
}

func main() {
	var wg sync.WaitGroup
	out := make([]int, 3)
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer func() { time.Sleep(20 * time.Millisecond) }()
			defer wg.Done()
			out[i] = work(i + 10)
		}(i)
	}
	wg.Wait()
	fmt.Println(out)
}
`} {
		if err := os.WriteFile(filepath.Join(project, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := runCLI(t, nil, project, "--density", "high"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	spansFile := filepath.Join(t.TempDir(), "spans.jsonl")
	runProgram(t, project, []string{"TELEMETRY_INJECT_FILE=" + spansFile}, "go", "run", ".")
	spans := readGoSpans(t, spansFile)
	ids := map[string]bool{}
	for _, s := range spans {
		ids[s.SpanID] = true
	}
	works := 0
	for _, s := range spans {
		if s.Name != "main.work" {
			continue
		}
		works++
		if !ids[s.ParentSpanID] {
			t.Errorf("main.work's parent %q is not in the file: the goroutine's span was lost at exit (%d spans)", s.ParentSpanID, len(spans))
		}
	}
	if works != 3 {
		t.Fatalf("%d main.work spans, want 3: %+v", works, spans)
	}
}

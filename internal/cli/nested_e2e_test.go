package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"github.com/telemetry-inject/telemetry-inject/internal/lock"
)

// TestRunOnAParentStopsWhileASubtreeRuns: a run on a subtree holds its
// lock; a run started on the parent folder (an instrument, or a --remove
// that could delete the runtime the subtree run's files are about to
// import) stops with the holder named and writes nothing.
func TestRunOnAParentStopsWhileASubtreeRuns(t *testing.T) {
	project := copyTree(t, "../../examples/shop")
	var sub string
	entries, err := os.ReadDir(project)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			sub = filepath.Join(project, e.Name())
			break
		}
	}
	if sub == "" {
		t.Fatal("the example has no folder")
	}
	state, err := cache.StateDir(sub)
	if err != nil {
		t.Fatal(err)
	}
	held, err := lock.Acquire(state)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	before := snapshot(t, project)
	for _, args := range [][]string{{project}, {project, "--remove"}} {
		code, _, stderr := runCLI(t, nil, args...)
		if code != ExitError || !strings.Contains(stderr, "is working on this tree") || !strings.Contains(stderr, state) {
			t.Errorf("%v: exit %d, want %d naming the subtree's run:\n%s", args, code, ExitError, stderr)
		}
	}
	if !equalMaps(snapshot(t, project), before) {
		t.Error("files changed while a run on a subtree held its lock")
	}
}

package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestGoFiles finds .go files as Go, never the Go runtime file, and leaves
// Go test files out by default.
func TestGoFiles(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"main.go", "pkg/lib.go", "pkg/lib_test.go", "pkg/zz_telemetry_utils.go"} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("package x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Walk(context.Background(), root, Options{Languages: testLanguages, Exclude: DefaultExcludes()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		if f.Lang != source.Go {
			t.Errorf("%s: language %q, want go", f.Path, f.Lang)
		}
		got = append(got, f.Path)
	}
	if len(got) != 2 || got[0] != "main.go" || got[1] != "pkg/lib.go" {
		t.Errorf("files %v, want [main.go pkg/lib.go]", got)
	}
}

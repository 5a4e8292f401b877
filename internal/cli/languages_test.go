package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/scan"
)

// TestScanLanguages checks that the languages' own Extensions and runtime
// names, as the run passes them to the scan, find every kind of source
// file and never a runtime file.
func TestScanLanguages(t *testing.T) {
	dir := t.TempDir()
	want := map[string]string{
		"a.py": "python", "b.js": "javascript", "c.mjs": "javascript", "d.cjs": "javascript", "e.JSX": "javascript",
		"f.ts": "typescript", "g.mts": "typescript", "h.cts": "typescript", "i.tsx": "typescript+tsx", "j.go": "go",
	}
	names := []string{"_telemetry_utils.py", "_telemetry_utils.js", "_telemetry_utils.mjs", "_telemetry_utils.ts",
		"_telemetry_utils.d.ts", "_telemetry_utils.go", "zz_telemetry_utils.go", "_telemetry_utils/zz_telemetry_utils.go", "notes.txt", "x.rb"}
	for n := range want {
		names = append(names, n)
	}
	if err := os.Mkdir(filepath.Join(dir, "_telemetry_utils"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(n)), []byte("\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// One 3000-byte line: a bundle in JavaScript, data in Python.
	long := []byte("x = '" + strings.Repeat("a", 3000) + "'\n")
	want["long.py"] = "python"
	for _, n := range []string{"long.py", "long.js"} {
		if err := os.WriteFile(filepath.Join(dir, n), long, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := scan.Walk(context.Background(), dir, scan.Options{Languages: scanLanguages()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Files {
		l := string(f.Lang)
		if f.TSX {
			l += "+tsx"
		}
		got[f.Path] = l
	}
	for n, l := range want {
		if got[n] != l {
			t.Errorf("%s: scanned as %q, want %q", n, got[n], l)
		}
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			t.Errorf("%s scanned; it is a runtime file or not source", n)
		}
	}
	if !skipped(res.Skipped, "long.js", "minified") {
		t.Errorf("long.js not skipped as minified: %+v", res.Skipped)
	}
	res, err = scan.Walk(context.Background(), filepath.Join(dir, "x.rb"), scan.Options{Languages: scanLanguages()})
	if err != nil || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "Python, JavaScript, TypeScript or Go") {
		t.Errorf("x.rb named alone: %+v, %v; want skipped as not a Python, JavaScript, TypeScript or Go file", res.Skipped, err)
	}
}

func skipped(skips []scan.Skip, path, reason string) bool {
	for _, s := range skips {
		if s.Path == path && strings.Contains(s.Reason, reason) {
			return true
		}
	}
	return false
}

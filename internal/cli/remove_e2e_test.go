package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoveFindsARuntimePlacedForFewerFiles: a TypeScript runtime goes to
// the sources the instrumented files share, so when only files of a
// subfolder are instrumented it lands there, and --remove, which sees every
// file, must still find and delete it (rxjs's src/internal showed it).
func TestRemoveFindsARuntimePlacedForFewerFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src", "internal"), 0o755)
	os.WriteFile(filepath.Join(dir, "tsconfig.json"), []byte(`{"compilerOptions": {"strict": true, "module": "commonjs", "outDir": "dist"}, "include": ["src"]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "src", "index.ts"), []byte("export const answer = 42;\n"), 0o644)
	big := `export function settle(items: number[], limit: number): number {
  let total = 0;
  for (const item of items) {
    if (item < 0) {
      throw new Error("negative item " + item);
    }
    total += item;
    if (total > limit) {
      return limit;
    }
  }
  const rounded = Math.round(total * 100) / 100;
  if (rounded === 0) {
    console.log("nothing to settle");
  }
  return rounded;
}
`
	os.WriteFile(filepath.Join(dir, "src", "internal", "settle.ts"), []byte(big), 0o644)
	before := snapshot(t, dir)
	if code, _, stderr := runCLI(t, nil, dir); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var runtimes []string
	for p := range snapshot(t, dir) {
		if strings.Contains(p, "_telemetry_utils") {
			runtimes = append(runtimes, p)
		}
	}
	if len(runtimes) != 1 || !strings.HasPrefix(runtimes[0], "src/internal/") {
		t.Fatalf("runtime files %v; the test wants one placed for the subfolder alone", runtimes)
	}
	removeRestores(t, dir, before)
}

// TestRemoveRestoresTestsInstrumentedWithoutDefaultExcludes: a run with
// --no-default-excludes instruments test/ too; a plain --remove afterwards
// must restore those files and delete the runtime they import, not skip
// them as a default exclude and keep the runtime (url's mocha suite showed
// it: exit 3, test/index.js still instrumented).
func TestRemoveRestoresTestsInstrumentedWithoutDefaultExcludes(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "test"), 0o755)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name": "p", "version": "1.0.0"}`+"\n"), 0o644)
	body := `function settle(items, limit) {
  let total = 0;
  for (const item of items) {
    if (item < 0) {
      throw new Error("negative item " + item);
    }
    total += item;
  }
  return total > limit ? limit : total;
}
`
	os.WriteFile(filepath.Join(dir, "index.js"), []byte(body+"module.exports = { settle };\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "test", "settle.js"), []byte("const lib = require('..');\n"+body+"console.log(settle([1, 2], 10) === lib.settle([1, 2], 10));\n"), 0o644)
	before := snapshot(t, dir)
	if code, _, stderr := runCLI(t, nil, dir, "--no-default-excludes", "--density", "high"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if after := snapshot(t, dir); after["test/settle.js"] == before["test/settle.js"] {
		t.Fatal("test/settle.js was not instrumented; the test needs it instrumented")
	}
	removeRestores(t, dir, before)
}

// removeRestores runs a plain --remove on dir and requires the tree it
// leaves to be before, file by file: nothing left, nothing changed.
func removeRestores(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	if code, _, stderr := runCLI(t, nil, dir, "--remove"); code != 0 {
		t.Fatalf("--remove: exit %d\n%s", code, stderr)
	}
	after := snapshot(t, dir)
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("--remove left %s", p)
		}
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s differs after --remove:\n%s", p, after[p])
		}
	}
}

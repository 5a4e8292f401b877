package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublishedPackageShipsItsRuntime instruments a package whose "files"
// list would leave the runtime out of `npm pack`, checks with the real npm
// that the packed tarball holds it, and that --remove gives package.json
// back byte for byte.
func TestPublishedPackageShipsItsRuntime(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH")
	}
	dir := t.TempDir()
	pkg := "{\n  \"name\": \"shipped\",\n  \"version\": \"1.0.0\",\n  \"main\": \"index.js\",\n  \"files\": [\n    \"index.js\"\n  ]\n}\n"
	src := `function total(items) {
  let sum = 0;
  for (const item of items) {
    if (item.price < 0) {
      throw new Error("negative price for " + item.name);
    }
    sum += item.price * item.quantity;
  }
  const rounded = Math.round(sum * 100) / 100;
  if (rounded > 1000) {
    console.log("large order");
  }
  return rounded;
}
module.exports = { total };
`
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644)
	os.WriteFile(filepath.Join(dir, "index.js"), []byte(src), 0o644)
	if code, _, stderr := runCLI(t, nil, dir); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "index.js"))
	if !strings.Contains(string(b), "_telemetry_utils") {
		t.Fatalf("index.js was not instrumented:\n%s", b)
	}
	cmd := exec.Command(npm, "pack", "--dry-run", "--json", "--ignore-scripts")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("npm pack: %v", err)
	}
	if !strings.Contains(string(out), `"_telemetry_utils.js"`) {
		t.Fatalf("npm pack leaves the runtime out:\n%s", out)
	}
	if code, _, stderr := runCLI(t, nil, dir, "--remove"); code != 0 {
		t.Fatalf("--remove: exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "package.json")); string(got) != pkg {
		t.Fatalf("package.json after --remove:\n%s\nwant\n%s", got, pkg)
	}
}

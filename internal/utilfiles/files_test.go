package utilfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// writeRuntimes writes every runtime variant into dir under the names the
// tests import: .py, .js (CommonJS), .mjs (ESM) and .ts.
func writeRuntimes(t testing.TB, dir string) {
	t.Helper()
	_, cjs := JavaScript(source.ModuleCommonJS)
	_, esm := JavaScript(source.ModuleESM)
	files := map[string][]byte{
		"_telemetry_utils.py":  Python(),
		"_telemetry_utils.js":  cjs,
		"_telemetry_utils.mjs": esm,
		"_telemetry_utils.ts":  TypeScript(),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDump writes the assembled runtimes to $UTILFILES_DUMP, for reading
// them while working on the sources.
func TestDump(t *testing.T) {
	dir := os.Getenv("UTILFILES_DUMP")
	if dir == "" {
		t.Skip("set UTILFILES_DUMP to a folder to write the runtime files there")
	}
	writeRuntimes(t, dir)
}

func TestAssembledHaveNoTemplateMarkers(t *testing.T) {
	_, cjs := JavaScript(source.ModuleCommonJS)
	_, esm := JavaScript(source.ModuleESM)
	for name, b := range map[string][]byte{"py": Python(), "cjs": cjs, "esm": esm, "ts": TypeScript()} {
		if strings.Contains(string(b), "@@") {
			t.Errorf("%s runtime still holds a template marker", name)
		}
	}
	for _, e := range exports() {
		if !strings.Contains(string(cjs), "exports."+e.name+" = ") {
			t.Errorf("CommonJS runtime does not export %s", e.name)
		}
		if !strings.Contains(string(esm), " as "+e.name+" }") {
			t.Errorf("ESM runtime does not export %s", e.name)
		}
		if !strings.Contains(string(TypeScript()), "export const "+e.name+": ") {
			t.Errorf("TypeScript runtime does not export %s", e.name)
		}
	}
	if strings.Contains(string(esm), "require") && strings.Contains(string(esm), "require(") {
		t.Error("ESM runtime calls require")
	}
}

// TestPythonRuntimeIsPython38 parses the runtime with the Python 3.8
// grammar, the oldest the runtime promises to run on.
func TestPythonRuntimeIsPython38(t *testing.T) {
	py := tool(t, "python3")
	dir := t.TempDir()
	write(t, dir, "_telemetry_utils.py", string(Python()))
	check := "import ast, pathlib; ast.parse(pathlib.Path('_telemetry_utils.py').read_text(), feature_version=(3, 8)); import _telemetry_utils"
	if got := run(t, dir, cleanEnv(), py, "-W", "error", "-c", check); got.code != 0 || got.out != "stdout:\nstderr:\n" {
		t.Fatalf("runtime does not parse as Python 3.8 or is not silent on import: exit %d\n%s", got.code, got.out)
	}
}

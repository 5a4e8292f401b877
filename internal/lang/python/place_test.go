package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// files is a tree of file names, as layout.FS; it has no package.json.
type files map[string]bool

func (f files) Exists(rel string) bool            { return f[rel] }
func (f files) PackageType(string) (string, bool) { return "", false }

func TestPlaceFollowsThePackages(t *testing.T) {
	tree := files{"pkg/__init__.py": true, "pkg/sub/__init__.py": true, "lib/__init__.py": true}
	var in []*source.File
	for _, p := range []string{"script.py", "tools/run.py", "pkg/mod.py", "pkg/__init__.py", "pkg/sub/deep.py", "lib/x.py"} {
		in = append(in, &source.File{Path: p, Lang: source.Python})
	}
	got := place("RT")(tree, in, nil)
	want := map[string]layout.Placement{
		"script.py":       langtest.At("_telemetry_utils.py", "_telemetry_utils", "RT"),
		"tools/run.py":    langtest.At("tools/_telemetry_utils.py", "_telemetry_utils", "RT"),
		"pkg/mod.py":      langtest.At("pkg/_telemetry_utils.py", "._telemetry_utils", "RT"),
		"pkg/__init__.py": langtest.At("pkg/_telemetry_utils.py", "._telemetry_utils", "RT"),
		"pkg/sub/deep.py": langtest.At("pkg/_telemetry_utils.py", ".._telemetry_utils", "RT"),
		"lib/x.py":        langtest.At("lib/_telemetry_utils.py", "._telemetry_utils", "RT"),
	}
	langtest.ComparePlacements(t, got, want)
}

// TestCompiledRuntimeIsWhatPythonWrote: after python3 imports the runtime
// (plainly and at -O), Compiled names exactly the byte code it wrote for
// the runtime, not the program's own.
func TestCompiledRuntimeIsWhatPythonWrote(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	dir := t.TempDir()
	runtime := filepath.Join(dir, runtimeFile)
	for name, body := range map[string]string{runtimeFile: "X = 1\n", "app.py": "import _telemetry_utils\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, flags := range [][]string{{"-c", "import app"}, {"-O", "-c", "import app"}} {
		cmd := exec.Command(py, flags...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=", "PYTHONPYCACHEPREFIX=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("python3 %v: %v\n%s", flags, err, out)
		}
	}
	got, err := compiledRuntime(runtime)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Compiled = %v, want the runtime's two .pyc files (plain and -O)", got)
	}
	for _, p := range got {
		if base := filepath.Base(p); !strings.HasPrefix(base, "_telemetry_utils.") || filepath.Base(filepath.Dir(p)) != "__pycache__" {
			t.Errorf("Compiled lists %s, which is not the runtime's byte code", p)
		}
	}
	if none, _ := compiledRuntime(filepath.Join(dir, "app.js")); len(none) != 0 {
		t.Errorf("Compiled of a non-Python file = %v, want nothing", none)
	}
}

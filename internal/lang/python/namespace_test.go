package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// nsSrc is a module of a folder without __init__.py: loaded as a module of
// an implicit namespace package, as a script, from sys.path, and exec'd
// with globals of its own the way a setup.py reads a version file.
const nsSrc = `def version(parts):
    s = ".".join(str(p) for p in parts)
    return s


__version__ = version([1, 2])
`

// TestFolderImportWorksEveryWay runs, with the real python, a module
// instrumented beside the runtime in a folder without __init__.py: the
// absolute import alone failed with ModuleNotFoundError when the folder is
// an implicit namespace package (import nspkg.mod), since the folder is
// then not on sys.path. A module with a call at module level, which gets
// the import a script gets, must find the runtime there too (it ran
// without telemetry). Removal gives the original back.
func TestFolderImportWorksEveryWay(t *testing.T) {
	for name, src := range map[string]string{"library": nsSrc, "call at module level": nsSrc + "version([0])\n"} {
		t.Run(name, func(t *testing.T) { folderImportWorksEveryWay(t, src) })
	}
}

func folderImportWorksEveryWay(t *testing.T, nsSrc string) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "nspkg/mod.py", []byte(nsSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "__ti_span__(") {
		t.Fatalf("nothing instrumented: the test shows nothing\n%s", out)
	}
	if err := l.Validate(t.Context(), &source.File{Path: "nspkg/mod.py", Src: []byte(nsSrc)}, out); err != nil {
		t.Fatalf("instrumented module does not validate: %v", err)
	}
	root := t.TempDir()
	pkg := filepath.Join(root, "nspkg")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	writeProgram(t, pkg, "mod.py", out)
	// The runtime was imported, as nspkg._telemetry_utils or from sys.path.
	const loaded = `; import sys; print(any(m.endswith("_telemetry_utils") for m in sys.modules))`
	for _, tc := range []struct {
		name, dir string
		args      []string
	}{
		{"namespace package", root, []string{"-c", "import nspkg.mod as m; print(m.__version__)" + loaded}},
		{"runpy", root, []string{"-c", "import runpy; print(runpy.run_module('nspkg.mod')['__version__'])" + loaded}},
		{"on sys.path", pkg, []string{"-c", "import mod; print(mod.__version__)" + loaded}},
		{"exec with own globals", pkg, []string{"-c", "ns = {}; exec(open('mod.py').read(), ns); print(ns['__version__'])" + loaded}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), py, tc.args...)
			cmd.Dir = tc.dir
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
			b, err := cmd.CombinedOutput()
			if err != nil || string(b) != "1.2\nTrue\n" {
				t.Errorf("python %v: %v\n%s", tc.args, err, b)
			}
		})
	}
	back, _, err := l.Strip(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(back) != nsSrc {
		t.Errorf("Strip does not give back the original:\n%s", diff(nsSrc, string(back)))
	}
}

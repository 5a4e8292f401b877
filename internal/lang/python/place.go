package python

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// runtimeFile is the base name of the Python runtime.
const runtimeFile = lang.RuntimeModule + ".py"

// place puts the runtime at the top of the package each file belongs to
// and imports it relatively, so it works however the package is installed
// or run (python -m, an editable install, a vendored copy). A module
// outside any package gets the runtime beside it, imported absolutely,
// which is what running it as a script puts on sys.path.
func place(content string) func(layout.FS, []*source.File, func(*source.File) source.Module) map[string]layout.Placement {
	return func(tree layout.FS, files []*source.File, _ func(*source.File) source.Module) map[string]layout.Placement {
		out := make(map[string]layout.Placement, len(files))
		for _, f := range files {
			p := placeFile(tree, f.Path)
			p.Content = content
			out[f.Path] = p
		}
		return out
	}
}

func placeFile(tree layout.FS, file string) layout.Placement {
	dir := path.Dir(file)
	if !tree.Exists(path.Join(dir, "__init__.py")) {
		return layout.Placement{RuntimePath: path.Join(dir, runtimeFile), Spec: lang.RuntimeModule}
	}
	top, depth := dir, 0
	for top != "." {
		parent := path.Dir(top)
		if !tree.Exists(path.Join(parent, "__init__.py")) {
			break
		}
		top = parent
		depth++
	}
	return layout.Placement{
		RuntimePath: path.Join(top, runtimeFile),
		Spec:        strings.Repeat(".", depth+1) + lang.RuntimeModule,
	}
}

// compiledRuntime lists the byte code Python wrote for the runtime file at
// abs (__pycache__/_telemetry_utils.cpython-311.pyc and the like, one per
// interpreter and optimisation level that ran the project).
func compiledRuntime(abs string) ([]string, error) {
	stem, ok := strings.CutSuffix(filepath.Base(abs), ".py")
	if !ok {
		return nil, nil
	}
	return filepath.Glob(filepath.Join(filepath.Dir(abs), "__pycache__", stem+".*.pyc"))
}

package layout

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

type fakeFS struct {
	files    map[string]bool
	packages map[string]string // dir -> package.json "type"
}

func (f fakeFS) Exists(rel string) bool { return f.files[rel] }

func (f fakeFS) PackageType(dir string) (string, bool) {
	t, ok := f.packages[dir]
	return t, ok
}

func TestPlan(t *testing.T) {
	fs := fakeFS{
		files: map[string]bool{
			"pkg/__init__.py":     true,
			"pkg/sub/__init__.py": true,
			"lib/__init__.py":     true,
		},
		packages: map[string]string{
			"web":    "module",
			"api":    "",
			"tsproj": "commonjs",
			"mixed":  "module",
		},
	}
	files := []*source.File{
		{Path: "script.py", Lang: source.Python},
		{Path: "tools/run.py", Lang: source.Python},
		{Path: "pkg/mod.py", Lang: source.Python},
		{Path: "pkg/__init__.py", Lang: source.Python},
		{Path: "pkg/sub/deep.py", Lang: source.Python},
		{Path: "lib/x.py", Lang: source.Python},
		{Path: "web/src/app.js", Lang: source.JavaScript, Module: source.ModuleESM},
		{Path: "web/legacy.cjs", Lang: source.JavaScript, Module: source.ModuleCommonJS},
		{Path: "api/index.js", Lang: source.JavaScript, Module: source.ModuleCommonJS},
		{Path: "api/lib/tool.mjs", Lang: source.JavaScript, Module: source.ModuleESM},
		{Path: "loose.js", Lang: source.JavaScript, Module: source.ModuleCommonJS},
		{Path: "tsproj/src/a.ts", Lang: source.TypeScript},
		{Path: "tsproj/src/util/b.ts", Lang: source.TypeScript},
	}
	got := Plan(fs, files, func(f *source.File) source.Module { return f.Module })
	want := map[string]Placement{
		"script.py":            {"_telemetry_utils.py", PythonRuntime, "_telemetry_utils", ""},
		"tools/run.py":         {"tools/_telemetry_utils.py", PythonRuntime, "_telemetry_utils", ""},
		"pkg/mod.py":           {"pkg/_telemetry_utils.py", PythonRuntime, "._telemetry_utils", ""},
		"pkg/__init__.py":      {"pkg/_telemetry_utils.py", PythonRuntime, "._telemetry_utils", ""},
		"pkg/sub/deep.py":      {"pkg/_telemetry_utils.py", PythonRuntime, ".._telemetry_utils", ""},
		"lib/x.py":             {"lib/_telemetry_utils.py", PythonRuntime, "._telemetry_utils", ""},
		"web/src/app.js":       {"web/_telemetry_utils.js", ESMRuntime, "../_telemetry_utils.js", ""},
		"web/legacy.cjs":       {"web/_telemetry_utils.cjs", CommonJSRuntime, "./_telemetry_utils.cjs", ""},
		"api/index.js":         {"api/_telemetry_utils.js", CommonJSRuntime, "./_telemetry_utils.js", ""},
		"api/lib/tool.mjs":     {"api/_telemetry_utils.mjs", ESMRuntime, "../_telemetry_utils.mjs", ""},
		"loose.js":             {"_telemetry_utils.js", CommonJSRuntime, "./_telemetry_utils.js", ""},
		"tsproj/src/a.ts":      {"tsproj/src/_telemetry_utils.ts", TypeScriptRuntime, "./_telemetry_utils.js", ""},
		"tsproj/src/util/b.ts": {"tsproj/src/_telemetry_utils.ts", TypeScriptRuntime, "../_telemetry_utils.js", ""},
	}
	for file, w := range want {
		if g := got[file]; g != w {
			t.Errorf("%s: got %+v, want %+v", file, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d placements, want %d", len(got), len(want))
	}
}

func TestRelSpec(t *testing.T) {
	cases := []struct{ dir, target, want string }{
		{".", "_telemetry_utils.js", "./_telemetry_utils.js"},
		{"a", "_telemetry_utils.js", "../_telemetry_utils.js"},
		{"a/b", "a/_telemetry_utils.js", "../_telemetry_utils.js"},
		{"a/b", "a/b/_telemetry_utils.js", "./_telemetry_utils.js"},
		{"a/b", "c/_telemetry_utils.js", "../../c/_telemetry_utils.js"},
	}
	for _, c := range cases {
		if got := relSpec(c.dir, c.target); got != c.want {
			t.Errorf("relSpec(%q, %q) = %q, want %q", c.dir, c.target, got, c.want)
		}
	}
}

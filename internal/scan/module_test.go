package scan

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestModuleDetection(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"package.json":               `{"name": "app", "type": "module"}`,
		"src/a.js":                   "1;\n",
		"src/b.cjs":                  "1;\n",
		"src/c.ts":                   "1;\n",
		"src/d.cts":                  "1;\n",
		"legacy/package.json":        `{"name": "legacy"}`,
		"legacy/e.js":                "1;\n",
		"legacy/f.mjs":               "1;\n",
		"legacy/g.mts":               "1;\n",
		"legacy/esm/package.json":    `{"type": "module"}`,
		"legacy/esm/h.jsx":           "1;\n",
		"broken/package.json":        `{not json`,
		"broken/i.js":                "1;\n",
		"typed/package.json":         `{"type": 7}`,
		"typed/j.js":                 "1;\n",
		"explicit/package.json":      `{"type": "commonjs"}`,
		"explicit/k.js":              "1;\n",
		"explicit/pkg/package.json/": "",
		"explicit/pkg/l.js":          "1;\n",
		"py/m.py":                    "1\n",
	})
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]source.Module{
		"src/a.js":          source.ModuleESM,
		"src/b.cjs":         source.ModuleCommonJS,
		"src/c.ts":          source.ModuleESM,
		"src/d.cts":         source.ModuleCommonJS,
		"legacy/e.js":       source.ModuleCommonJS,
		"legacy/f.mjs":      source.ModuleESM,
		"legacy/g.mts":      source.ModuleESM,
		"legacy/esm/h.jsx":  source.ModuleESM,
		"broken/i.js":       source.ModuleCommonJS,
		"typed/j.js":        source.ModuleCommonJS,
		"explicit/k.js":     source.ModuleCommonJS,
		"explicit/pkg/l.js": source.ModuleCommonJS, // a folder named package.json is not one
		"py/m.py":           source.ModuleNone,
	}
	got := map[string]source.Module{}
	for _, f := range res.Files {
		got[f.Path] = f.Module
	}
	for p, m := range want {
		if g, ok := got[p]; !ok || g != m {
			t.Errorf("%s: module %q (found %v), want %q", p, g, ok, m)
		}
	}

	// Scanning a subfolder still finds the package.json above it.
	res, err = Walk(context.Background(), filepath.Join(dir, "src"), Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files[0].Path != "a.js" || res.Files[0].Module != source.ModuleESM {
		t.Errorf("subfolder scan: %+v", res.Files[0])
	}

	pj, err := NearestPackageJSON(filepath.Join(dir, "legacy", "esm"))
	if err != nil || pj.Path != filepath.Join(dir, "legacy", "esm", "package.json") || pj.Type != "module" {
		t.Errorf("NearestPackageJSON = %+v, %v", pj, err)
	}
}

func TestModuleWithoutPackageJSON(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"node_modules/x/lib/a.js": "1;\n", "b.js": "1;\n"})
	// The lookup stops below node_modules: x has no package.json of its own.
	pj, err := NearestPackageJSON(filepath.Join(dir, "node_modules", "x", "lib"))
	if err != nil || pj.Path != "" {
		t.Errorf("NearestPackageJSON = %+v, %v", pj, err)
	}
	c := newPkgCache()
	m, err := c.moduleFor(filepath.Join(dir, "b.js"), &testLanguages[1])
	if err != nil {
		t.Fatal(err)
	}
	// The temp folder has no package.json above it on a sane machine; if
	// one exists, the answer must agree with it.
	above, _ := NearestPackageJSON(dir)
	if above.Path == "" && m != source.ModuleNone {
		t.Errorf("module %q with no package.json anywhere", m)
	}
}

package python

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestFindInLoop(t *testing.T) {
	src := "for i in x:\n    def f():\n        for j in y:\n            z = j\n        w = 1\n    class C:\n        def m(self):\n            pass\nelse:\n    pass\n"
	got := map[string]bool{}
	for _, c := range findAll(t, "m.py", src) {
		got[string(c.Kind)+" "+c.QualName+" "+c.Name] = c.InLoop
	}
	want := map[string]bool{
		"loop m i": false, "function m.f f": true, "loop m.f j": false,
		"variable m.f z": true, "variable m.f w": false, "function m.C.m m": true, // the class body runs per iteration
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: InLoop = %v (found %v), want %v", k, g, ok, v)
		}
	}
}

func TestFindSkipsWhatCannotTakeAWithBlock(t *testing.T) {
	src := "def a(): return 1\ndef b():\n    \"doc only\"\ndef c():\n    \"doc\"; x = 1\ndef d():\n    '''doc'''\n    return 2\n"
	n := 0
	for _, c := range findAll(t, "m.py", src) {
		if c.Kind != source.Function {
			continue
		}
		n++
		if (c.Skip == "") != (c.Name == "d") {
			t.Errorf("%s: skip %q", c.Name, c.Skip)
		}
	}
	if n != 4 {
		t.Errorf("found %d functions, want 4", n)
	}
}

func TestModuleOfUsesPackageRoots(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"src/pkg/__init__.py", "src/pkg/sub/__init__.py", "src/pkg/sub/mod.py", "scripts/run.py", "src/pkg/__main__.py"} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for rel, want := range map[string]string{
		"src/pkg/sub/mod.py": "pkg.sub.mod", "src/pkg/__init__.py": "pkg", "src/pkg/sub/__init__.py": "pkg.sub",
		"scripts/run.py": "run", "src/pkg/__main__.py": "pkg.__main__",
	} {
		f := &source.File{Path: rel, Abs: filepath.Join(root, rel), Src: []byte("def f():\n    return 1\n")}
		if got := moduleOf(f); got != want {
			t.Errorf("moduleOf(%s) = %q, want %q", rel, got, want)
		}
	}
}

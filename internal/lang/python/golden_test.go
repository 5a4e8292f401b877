package python

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// TestGolden instruments every testdata/golden/*.py and compares with its
// .golden file. Every output must pass Validate (and so compile when
// python3 is on PATH) and strip back to its input.
func TestGolden(t *testing.T) {
	l := newTestLanguage(t, Options{})
	inputs, err := filepath.Glob("testdata/golden/*.py")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		name := filepath.Base(in)
		t.Run(strings.TrimSuffix(name, ".py"), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := instrument(l, name, src, "_telemetry_utils")
			if err != nil {
				t.Fatalf("instrumenting: %v", err)
			}
			if err := l.Validate(context.Background(), &source.File{Path: name, Src: src}, out); err != nil {
				t.Errorf("output does not validate: %v\n%s", err, out)
			}
			if back, _, _ := l.Strip(out); !bytes.Equal(back, src) {
				t.Errorf("Strip does not give back the input:\n%s", diff(string(src), string(back)))
			}
			golden := in + ".golden"
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("output differs from %s (run with -update to accept):\n%s", golden, diff(string(want), string(out)))
			}
		})
	}
}

// TestGoldenPyCompile compiles every golden output with python3 -m
// py_compile, the check the issue names, independently of Validate.
func TestGoldenPyCompile(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	goldens, _ := filepath.Glob("testdata/golden/*.py.golden")
	dir := t.TempDir()
	var args []string
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(g), ".golden"))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	cmd := exec.Command(py, append([]string{"-m", "py_compile"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("py_compile: %v\n%s", err, out)
	}
}

func diff(want, got string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got), FromFile: "want", ToFile: "got", Context: 2,
	})
	return d
}

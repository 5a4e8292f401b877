package golang

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden instruments every testdata/golden/*.go.in with testDecision
// and compares the output with <input>.golden and the constructs found with
// <input>.constructs. Every output must parse, strip back to the input byte
// for byte, and, with the runtime beside it in a module whose go.mod says
// go 1.22, pass the real go vet and go build.
func TestGolden(t *testing.T) {
	l := newLang(t)
	inputs, err := filepath.Glob("testdata/golden/*.go.in")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 5 {
		t.Fatalf("only %d golden inputs found", len(inputs))
	}
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), []byte("module golden\n\ngo 1.22\n"))
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		f := testFile(name, src)
		out, cs, err := instrument(l, f, testDecision)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareGolden(t, strings.TrimSuffix(in, ".in")+".golden", out)
		compareGolden(t, strings.TrimSuffix(in, ".in")+".constructs", []byte(describe(cs)))
		if err := l.Validate(bg, f, out); err != nil {
			t.Errorf("%s: output does not validate: %v", name, err)
		}
		back, _, err := l.Strip(out)
		if err != nil || !bytes.Equal(back, src) {
			t.Errorf("%s: Strip(output) differs from the input (%v):\n%s", name, err, back)
		}
		if bytes.Contains(src, []byte("//go:build ignore")) {
			continue // a separate main program, compiled only by go run
		}
		dir := filepath.Join(mod, strings.TrimSuffix(name, ".go"))
		writeFile(t, filepath.Join(dir, name), out)
		if !bytes.Equal(out, src) {
			writeFile(t, filepath.Join(dir, utilfiles.GoFileName), utilfiles.Go(packageName(src)))
		}
	}
	goTool(t, mod, "vet", "./...")
	goTool(t, mod, "build", "./...")
}

// TestGoldenShared is TestGolden in a module whose go.mod is in the
// scanned tree, each input in a package folder of its own: the files
// import the module's shared runtime package (<input>.shared.golden), and
// the module, the package written at its root, passes go vet and go build.
func TestGoldenShared(t *testing.T) {
	l := newLang(t)
	inputs, err := filepath.Glob("testdata/golden/*.go.in")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	writeFile(t, filepath.Join(mod, "go.mod"), []byte("module example.com/golden\n\ngo 1.22\n"))
	var rt string
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimSuffix(name, ".go") + "/" + name
		f := testFile(rel, src)
		f.Abs = filepath.Join(mod, filepath.FromSlash(rel))
		out, _, err := instrument(l, f, testDecision)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareGolden(t, strings.TrimSuffix(in, ".go.in")+".shared.golden", out)
		if err := l.Validate(bg, f, out); err != nil {
			t.Errorf("%s: output does not validate: %v", name, err)
		}
		back, _, err := l.Strip(out)
		if err != nil || !bytes.Equal(back, src) {
			t.Errorf("%s: Strip(output) differs from the input (%v):\n%s", name, err, back)
		}
		p := l.Place(nil, []*source.File{f}, nil)[f.Path]
		if p.RuntimePath != "_telemetry_utils/zz_telemetry_utils.go" || p.Spec != "example.com/golden/_telemetry_utils" {
			t.Errorf("%s: placed at %s as %s, want the module's shared package", name, p.RuntimePath, p.Spec)
		}
		if rt != "" && p.Content != rt {
			t.Errorf("%s: the shared package's content differs between files of one module", name)
		}
		rt = p.Content
		if bytes.Contains(src, []byte("//go:build ignore")) {
			continue
		}
		writeFile(t, f.Abs, out)
	}
	writeFile(t, filepath.Join(mod, "_telemetry_utils", utilfiles.GoFileName), []byte(rt))
	// ./... leaves the runtime package out; named, it is vetted too.
	goTool(t, mod, "vet", "./...", "./_telemetry_utils")
	goTool(t, mod, "build", "./...")
	if list := goTool(t, mod, "list", "./..."); strings.Contains(list, "_telemetry_utils") {
		t.Errorf("go list ./... lists the runtime package:\n%s", list)
	}
}

// goTool runs the real go command in dir and fails the test with its
// output when it fails; without go on PATH the test is skipped.
func goTool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	exe, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH")
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	langtest.CompareGolden(t, path, got, *update)
}

// describe lists the constructs one per line, as the .constructs files do.
func describe(cs []source.Construct) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s #%d lines %d-%d", c.Kind, c.QualName, c.Ordinal, c.Range.StartLine, c.Range.EndLine)
		if len(c.Params) > 0 {
			fmt.Fprintf(&b, " params=%s", strings.Join(c.Params, ","))
		}
		if len(c.Targets) > 0 {
			fmt.Fprintf(&b, " targets=%s", strings.Join(c.Targets, ","))
		}
		if c.Context != "" {
			fmt.Fprintf(&b, " ctx=%s", c.Context)
		}
		if c.InLoop {
			b.WriteString(" in-loop")
		}
		if c.Skip != "" {
			fmt.Fprintf(&b, " skip=%q", c.Skip)
		}
		b.WriteString("\n")
	}
	return b.String()
}

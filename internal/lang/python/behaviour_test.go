package python

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestInstrumentedProgramsBehaveTheSame runs each sample program before and
// after instrumentation, with the real runtime (telemetry off, as when no
// exporter is configured), and requires exactly the same output. Anything the
// injected code changed (a lost docstring, a generator turned into a plain
// function, an extra frame under a frame inspector, a shifted warning line)
// shows up in the output.
func TestInstrumentedProgramsBehaveTheSame(t *testing.T) {
	py := needPython(t)
	l := newTestLanguage(t, Options{})
	runtimeSrc := utilfiles.Python()
	programs, _ := filepath.Glob("testdata/programs/*.py")
	if len(programs) == 0 {
		t.Fatal("no sample programs")
	}
	for _, p := range programs {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			before := runPython(t, py, t.TempDir(), name, src, nil)
			out, cs, err := instrument(l, name, src, "_telemetry_utils")
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(out, src) || len(cs) == 0 {
				t.Fatal("nothing was instrumented")
			}
			after := runPython(t, py, t.TempDir(), name, out, runtimeSrc)
			if before != after {
				t.Errorf("output changed after instrumentation:\n%s", diff(before, after))
			}
		})
	}
}

func runPython(t *testing.T, py, dir, name string, src, runtime []byte) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if runtime != nil {
		if err := os.WriteFile(filepath.Join(dir, "_telemetry_utils.py"), runtime, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(py, "-E", "-s", "-W", "error::RuntimeWarning", name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 %s: %v\n%s", name, err, out)
	}
	return string(out)
}

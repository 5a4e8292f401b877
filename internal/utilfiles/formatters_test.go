package utilfiles

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestFormattersLeaveThePythonRuntimeAlone: `black .` or `ruff format .`
// over a project reformats every Python file, the runtime included. A
// reformatted runtime no longer matches its checksum, so a re-run refuses
// every file that imports it and --remove keeps it as the user's; the
// runtime's "# fmt: off" keeps both formatters out.
func TestFormattersLeaveThePythonRuntimeAlone(t *testing.T) {
	ran := 0
	for _, f := range [][]string{{"black", "--check", "--quiet"}, {"ruff", "format", "--check", "--quiet"}} {
		bin, err := exec.LookPath(f[0])
		if err != nil {
			continue
		}
		ran++
		dir := t.TempDir()
		write(t, dir, "_telemetry_utils.py", string(Python()))
		if out, err := exec.Command(bin, append(f[1:], filepath.Join(dir, "_telemetry_utils.py"))...).CombinedOutput(); err != nil {
			t.Errorf("%s would reformat the runtime (%v):\n%s", f[0], err, out)
		}
	}
	if ran == 0 {
		t.Skip("neither black nor ruff is installed")
	}
}

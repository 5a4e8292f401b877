package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// prettierVersion is the pinned prettier the formatter test runs.
const prettierVersion = "prettier@3.3.3"

// TestStripAfterPrettier formats instrumented files with the real prettier
// (default settings, which rewrap the long injected lines) and strips
// them: each either comes back as a working file (it parses and node
// compiles it; the behaviour programs print what the originals print) or
// is refused with its line. Nothing in between.
func TestStripAfterPrettier(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and runs prettier")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	prettier := filepath.Join(npmtest.Install(t, prettierVersion), "node_modules", "prettier", "bin", "prettier.cjs")
	js, ts := languages(t, Options{})
	inputs, _ := filepath.Glob("testdata/golden/*.*s")
	inputs = append(inputs, "testdata/behaviour/program.cjs", "testdata/behaviour/script.js")
	dir := t.TempDir()
	var names []string
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") || strings.HasSuffix(in, ".constructs") {
			continue
		}
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		f := testFile(filepath.Base(in), src)
		out, _, err := instrument(pick(f, js, ts), f, testDecision)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f.Path), out)
		writeFile(t, filepath.Join(dir, "orig_"+f.Path), src)
		names = append(names, f.Path)
	}
	cmd := exec.CommandContext(t.Context(), node, append([]string{prettier, "--write", "--log-level", "warn"}, names...)...)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("prettier: %v\n%s", err, msg)
	}
	runtime, _ := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
	var restored, refused int
	for _, name := range names {
		formatted, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f := testFile(name, formatted)
		l := pick(f, js, ts)
		back, _, err := l.Strip(formatted)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("%s: refused without a line: %v", name, err)
			}
			refused++
			t.Logf("%s: refused: %v", name, err)
			continue
		}
		restored++
		if strings.Contains(string(back), "__ti") {
			t.Errorf("%s: injected code left after removal:\n%s", name, back)
		}
		if _, err := l.Find(testFile(name, back)); err != nil {
			t.Errorf("%s: removal left a file that does not parse: %v\n%s", name, err, back)
		}
		if name == "program.cjs" || name == "script.js" {
			writeFile(t, filepath.Join(dir, "stripped_"+name), back)
			want, _, _ := runNode(t, node, dir, "orig_"+name)
			got, stderr, err := runNode(t, node, dir, "stripped_"+name)
			if err != nil || got != want {
				t.Errorf("%s after prettier and removal prints %q (%v), the original %q\n%s", name, got, err, want, stderr)
			}
		}
	}
	t.Logf("after prettier: %d files restored to working order, %d refused with a line", restored, refused)
	if restored == 0 {
		t.Errorf("no file could be restored after prettier")
	}
}

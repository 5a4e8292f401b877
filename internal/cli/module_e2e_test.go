package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestESMSyntaxInAPackageWithoutType covers the bundler-style project: a
// package.json without "type", .js files written with import/export. The
// runtime placed for them must be an ES module too (.mjs beside such a
// package.json), and the file must import that one.
func TestESMSyntaxInAPackageWithoutType(t *testing.T) {
	project := t.TempDir()
	files := map[string]string{
		"package.json": `{"name": "app", "version": "1.0.0"}` + "\n",
		"src/util.js":  "export function double(n) {\n  return n * 2;\n}\n",
		"src/app.js":   "import { double } from './util.js';\n\nfunction main(values) {\n  let total = 0;\n  for (const v of values) {\n    total += double(v);\n  }\n  console.log('total', total);\n}\n\nmain([1, 2, 3]);\n",
	}
	writeTree(t, project, files)
	// Node 20 runs such files as ES modules only when asked to detect them.
	run := func() (string, bool) {
		cmd := exec.Command("node", "--experimental-detect-module", "src/app.js")
		cmd.Dir = project
		out, err := cmd.Output() // node warns about the detection on stderr
		return string(out), err == nil
	}
	before, runs := run()

	code, _, stderr := runCLI(t, nil, project)
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(project, "_telemetry_utils.mjs")); err != nil {
		t.Fatalf("no ES module runtime beside package.json: %v\n%s", err, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "src/app.js"))
	if !strings.Contains(string(b), `import * as __ti from "../_telemetry_utils.mjs";`) {
		t.Fatalf("app.js does not import the ES module runtime:\n%s", b)
	}
	if runs {
		if after, ok := run(); !ok || after != before {
			t.Fatalf("instrumented program printed %q (ok %v), want %q", after, ok, before)
		}
	}
}

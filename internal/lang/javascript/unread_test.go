package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestUnreadNamesKeepTheirTSErrors checks that instrumentation reads no
// parameter or local the code never reads: tsc reports those under
// noUnusedParameters and noUnusedLocals (TS6133), and a read injected
// into the function took the error away, so a project failing its own
// check failed it with other errors. The real tsc must report the same
// diagnostics, line by line, for testdata/unread before and after.
func TestUnreadNamesKeepTheirTSErrors(t *testing.T) {
	node, tsc := realTSC(t, "type checking takes seconds")
	_, ts := languages(t, Options{NoNode: true})
	in := "testdata/unread/unread.ts"
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := instrument(ts, testFile(filepath.Base(in), src), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, in+".golden", out)
	config := `{"compilerOptions": {"strict": true, "noUnusedLocals": true, "noUnusedParameters": true,
  "target": "es2022", "module": "nodenext", "types": [], "noEmit": true}}`
	diagnostics := func(text []byte) []string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`))
		writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(config))
		writeFile(t, filepath.Join(dir, "_telemetry_utils.ts"), utilfiles.TypeScript())
		writeFile(t, filepath.Join(dir, "unread.ts"), text)
		cmd := exec.CommandContext(t.Context(), node, tsc, "-p", ".")
		cmd.Dir = dir
		msg, _ := cmd.CombinedOutput()
		var ds []string
		for _, m := range tscDiagnostic.FindAllStringSubmatch(string(msg), -1) {
			// The line, not the column: injected code shifts columns.
			ds = append(ds, m[1]+" "+m[2])
		}
		return ds
	}
	want, got := diagnostics(src), diagnostics(out)
	if len(want) < 5 {
		t.Fatalf("the original should have five TS6133 errors at least, tsc reports %q", want)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("tsc reports other errors once instrumented\n--- original\n%s\n--- instrumented\n%s",
			strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

var tscDiagnostic = regexp.MustCompile(`(?m)^unread\.ts\((\d+),\d+\): (error TS\d+: .*)$`)

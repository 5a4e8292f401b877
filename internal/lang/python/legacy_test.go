package python

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// scriptGuard finds a module-level `if __name__ == "__main__":`, which
// earlier versions took for the mark of a script (oldScriptImport).
var scriptGuard = regexp.MustCompile(`(?m)^if\s+__name__\s*==\s*['"]__main__['"]\s*:`)

// currentName matches a runtime name as Render writes it now.
var currentName = regexp.MustCompile(`__ti_(span|loop|tick|var|val|mark|e)__`)

// previousVersion returns out as the version before the dunder names wrote
// it: the same lines, with the runtime names _ti_span and so on.
func previousVersion(t *testing.T, out []byte) []byte {
	t.Helper()
	old := currentName.ReplaceAll(out, []byte("_ti_$1"))
	if bytes.Contains(old, []byte("__ti_")) || !bytes.Contains(old, []byte("_ti_")) {
		t.Fatalf("not an output of the previous version:\n%s", old)
	}
	return old
}

// instrumentOld is instrument as versions before the one-line import
// wrote the output: the runtime import on a line (or lines) of its own,
// in the two-line form beside the runtime and the four-line try statement
// for a script there.
func instrumentOld(t *testing.T, l languageUnderTest, path string, src []byte, spec string) []byte {
	t.Helper()
	f := &source.File{Path: path, Lang: source.Python, Src: src}
	cs, err := l.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	l.Import(f, spec) // only for its bookkeeping: see importEdit
	at := importOffset(src)
	code := "from " + spec + " import " + current.list()
	if spec == runtimeModule {
		lines := current.oldFolderImport()
		if scriptGuard.Match(src) {
			lines = current.oldScriptImport()
		}
		code = strings.Join(lines, Marker+eolAt(src, at))
	}
	edits := []inject.Edit{lineAfter(src, at, "", code, seqImport)}
	for i := range cs {
		if cs[i].Skip == "" {
			edits = append(edits, l.Render(f, &cs[i], testDecision(&cs[i]))...)
		}
	}
	if len(edits) == 1 {
		return src
	}
	out, err := inject.Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStripPreviousVersion: output of the versions before the one-line
// import, with the dunder names and with the names before them (every
// golden input, in each of the three import forms), strips back to the
// original byte for byte.
func TestStripPreviousVersion(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	inputs, _ := filepath.Glob("testdata/golden/*.py")
	if len(inputs) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, tc := range []struct {
		path, spec, form string
		inputs           []string
	}{
		{"pkg/m.py", "._telemetry_utils", "from ._telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_val, _ti_mark  # @telemetry-inject", inputs},
		{"m.py", "_telemetry_utils", `if globals().get("__package__"): from ._telemetry_utils import _ti_span`, inputs},
		{"tool.py", "_telemetry_utils", `    _ti_span = lambda *a, **k: __import__("contextlib").nullcontext(); _ti_loop = _ti_tick = _ti_var = _ti_val = _ti_mark = lambda *a, **k: None`, nil},
	} {
		srcs := [][]byte{[]byte(scriptSrc)}
		if tc.inputs != nil {
			srcs = nil
			for _, in := range tc.inputs {
				b, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				srcs = append(srcs, b)
			}
		}
		for i, src := range srcs {
			out := instrumentOld(t, l, tc.path, src, tc.spec)
			if bytes.Equal(out, src) {
				continue
			}
			old := previousVersion(t, out)
			if !bytes.Contains(old, []byte(tc.form)) {
				t.Fatalf("%s %d: the previous version's import form %q is not in:\n%s", tc.path, i, tc.form, old)
			}
			for _, prev := range [][]byte{out, old} {
				back, n, err := l.Strip(prev)
				if err != nil || !bytes.Equal(back, src) {
					t.Errorf("%s %d: Strip of a previous version's output (%d pieces, %v) does not give back the original:\n%s", tc.path, i, n, err, diff(string(src), string(back)))
				}
			}
		}
	}
}

// TestStripPreviousVersionAfterBlack: the previous version's output, black
// formatted, strips back to the original as the current output does (see
// TestStripAfterBlack).
func TestStripPreviousVersionAfterBlack(t *testing.T) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black is not on PATH")
	}
	l := newTestLanguage(t, Options{})
	for _, tc := range []struct{ path, spec, file string }{
		{"pkg/m.py", "._telemetry_utils", "testdata/black/formatted.py"},
		{"tool.py", "_telemetry_utils", ""},
	} {
		src := []byte(scriptSrc)
		if tc.file != "" {
			if src, err = os.ReadFile(tc.file); err != nil {
				t.Fatal(err)
			}
		}
		out := instrumentOld(t, l, tc.path, src, tc.spec)
		p := filepath.Join(t.TempDir(), "m.py")
		if err := os.WriteFile(p, previousVersion(t, out), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.CommandContext(t.Context(), black, "-q", p).CombinedOutput(); err != nil {
			t.Fatalf("black: %v\n%s", err, b)
		}
		formatted, _ := os.ReadFile(p)
		if !strings.Contains(string(formatted), "_ti_span,\n") {
			t.Fatalf("black did not wrap the import: the test shows nothing\n%s", formatted)
		}
		back, n, err := l.Strip(formatted)
		if err != nil || !bytes.Equal(back, src) {
			t.Errorf("%s: Strip after black (%d pieces, %v) does not give back the original:\n%s", tc.path, n, err, diff(string(src), string(back)))
		}
	}
}

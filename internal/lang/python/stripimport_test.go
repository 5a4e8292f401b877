package python

import (
	"strings"
	"testing"
)

// TestStripAppendedImport: the import appended to a line comes out with
// the semicolon before it and the marker after it, however the spaces
// around them were edited, leaving the line's own code and comment.
func TestStripAppendedImport(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	pkg := "from ._telemetry_utils import " + current.list()
	for _, tc := range []struct{ in, want string }{
		{"x = 1; " + pkg + Marker + "\n", "x = 1\n"},
		{"x = 1 ;  " + pkg + " " + markerComment + "  # note\n", "x = 1  # note\n"},
		{"x = 1; " + pkg + "\n", "x = 1\n"},
		{"x = 1; " + pkg + "  # note\n", "x = 1  # note\n"},
		{"'''d\n'''; " + current.folderLine() + Marker + "\r\ny = 2\r\n", "'''d\n'''\r\ny = 2\r\n"},
		{"x = 1; " + current.scriptLine() + Marker, "x = 1"},
		// The lookups with the coverage pragmas Render writes before the marker.
		{"x = 1; " + current.scriptLine() + "  " + noBranchComment + Marker + "\n", "x = 1\n"},
		{"x = 1; " + current.scriptLineAt(2) + "  " + noBranchComment + Marker + "  # note\n", "x = 1  # note\n"},
		{"'d'; " + current.scriptLine() + "  " + noCoverComment + Marker + "\n", "'d'\n"},
		// A script's import as the previous version wrote it.
		{"x = 1; " + previousScriptLine + Marker + "\n", "x = 1\n"},
	} {
		got, n, err := l.Strip([]byte(tc.in))
		if string(got) != tc.want || n != 1 || err != nil {
			t.Errorf("Strip(%q) = %q (%d pieces, %v), want %q (1)", tc.in, got, n, err, tc.want)
		}
	}
}

// previousScriptLine is the import of a script beside the runtime as the
// previous version wrote it, spelled out, so that a change to
// oldScriptLine that no longer matches it fails TestStripAppendedImport.
const previousScriptLine = `__ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__ = __import__("_telemetry_utils").__ti_all__ if "_telemetry_utils" in __import__("sys").modules or any(f.find_spec("_telemetry_utils", None) for f in __import__("sys").meta_path if hasattr(f, "find_spec")) else (lambda *a, **k: memoryview(b""),) + (lambda *a, **k: None,) * 5`

// TestStripRefusesEditedImport: an import that shares its line in a way
// the tool never writes, or that was edited so that it is no longer the
// tool's, leaves the file as it is, with an error naming the line, so the
// runtime is never removed while code still imports it.
func TestStripRefusesEditedImport(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	for _, tc := range []struct{ src, line string }{
		{"from ._telemetry_utils import " + current.list() + "; y = 2\n", "line 1"},
		{"x = 1; " + strings.Replace(current.folderLine(), `"_telemetry_utils"`, `"other"`, 1) + Marker + "\n", "line 1"},
		{"x = 1\n" + strings.Replace(current.scriptLine(), "* 5", "* 4", 1) + Marker + "\n", "line 2"},
	} {
		got, n, err := l.Strip([]byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.line) || string(got) != tc.src || n != 0 {
			t.Errorf("Strip(%q) = %q, %d, %v; want it unchanged and an error naming %s", tc.src, got, n, err, tc.line)
		}
	}
}

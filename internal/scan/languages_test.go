package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// testLanguages mirrors the languages the command line passes (the scan
// tests cannot import internal/lang, which imports this package);
// internal/cli's TestScanLanguages checks the real list.
var testLanguages = Languages{
	{Name: source.Python, Title: "Python", Extensions: []string{".py"}, RuntimePrefixes: []string{"_telemetry_utils."}, RuntimeMarker: "_telemetry_utils"},
	{Name: source.JavaScript, Title: "JavaScript", Extensions: []string{".js", ".mjs", ".cjs", ".jsx"}, Minifiable: true, RuntimePrefixes: []string{"_telemetry_utils."}, RuntimeMarker: "_telemetry_utils",
		ModuleExtensions: map[string]source.Module{".mjs": source.ModuleESM, ".cjs": source.ModuleCommonJS}, PackageModule: true},
	{Name: source.TypeScript, Title: "TypeScript", Extensions: []string{".ts", ".mts", ".cts", ".tsx"}, TSXExtensions: []string{".tsx"}, Minifiable: true, RuntimePrefixes: []string{"_telemetry_utils."}, RuntimeMarker: "_telemetry_utils",
		Declarations: []string{".d.ts", ".d.mts", ".d.cts"}, ModuleExtensions: map[string]source.Module{".mts": source.ModuleESM, ".cts": source.ModuleCommonJS}, PackageModule: true},
	{Name: source.Go, Title: "Go", Extensions: []string{".go"}, Minifiable: true, RuntimeNames: []string{"zz_telemetry_utils.go"}, RuntimeMarker: "_telemetry_utils"},
}

func TestWalkWithoutLanguagesFails(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Walk(context.Background(), dir, Options{}); err == nil {
		t.Fatal("Walk with no languages succeeded; it must refuse rather than find nothing")
	}
}

func TestLanguagesRecogniseFilesByTheirOwnFields(t *testing.T) {
	only := Languages{{Name: "cobol", Title: "COBOL", Extensions: []string{".cbl"}, TSXExtensions: []string{".cbl"}, RuntimeNames: []string{"rt.cbl"}}}
	if l, tsx, ok := only.of("A.CBL"); !ok || l.Name != "cobol" || !tsx {
		t.Errorf("of(A.CBL) = %q %v %v, want cobol true true", l.Name, tsx, ok)
	}
	if _, _, ok := only.of("a.py"); ok {
		t.Error("a.py recognised by a list without Python")
	}
	if !only.IsRuntimeFile(`sub\rt.cbl`) || only.IsRuntimeFile("_telemetry_utils.py") {
		t.Error("runtime recognition does not follow the list's RuntimeNames and RuntimePrefixes")
	}
	if got, want := testLanguages.notSource(), "not a Python, JavaScript, TypeScript or Go file"; got != want {
		t.Errorf("notSource() = %q, want %q", got, want)
	}
}

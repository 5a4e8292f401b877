package javascript

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TestDeclarationsEmitTheSame instruments testdata/declemit (every
// construct) and has the real tsc emit declarations (declaration: true)
// for original and output: every .d.ts of the original's must come out
// byte for byte the same, as a package's published types would. The
// outputs are golden files.
func TestDeclarationsEmitTheSame(t *testing.T) {
	node, tsc := realTSC(t, "emitting declarations takes seconds")
	_, ts := languages(t, Options{})
	compareDeclarations(t, node, tsc, ts, "testdata/declemit/*.ts", "_telemetry_utils.ts", utilfiles.TypeScript(), source.ModuleESM, "")
}

// TestJavaScriptDeclarationsEmitTheSame is TestDeclarationsEmitTheSame for
// a project that declares types from its JavaScript (allowJs, checkJs),
// with the JavaScript runtime beside the files.
func TestJavaScriptDeclarationsEmitTheSame(t *testing.T) {
	node, tsc := realTSC(t, "emitting declarations takes seconds")
	js, _ := languages(t, Options{})
	_, runtime := utilfiles.JavaScript(source.ModuleESM)
	compareDeclarations(t, node, tsc, js, "testdata/declemit/js/*.js", "_telemetry_utils.js", runtime, source.ModuleESM, `"allowJs": true, "checkJs": true, `)
}

// TestCommonJSDeclarationsEmitTheSame is TestJavaScriptDeclarationsEmitTheSame
// for CommonJS, whose runtime lookup (require, with a fallback where that
// fails) is typed by a JSDoc cast: without it an instrumented async
// function was declared Promise<any>.
func TestCommonJSDeclarationsEmitTheSame(t *testing.T) {
	node, tsc := realTSC(t, "emitting declarations takes seconds")
	js, _ := languages(t, Options{})
	_, runtime := utilfiles.JavaScript(source.ModuleCommonJS)
	compareDeclarations(t, node, tsc, js, "testdata/declemit/cjs/*.js", "_telemetry_utils.js", runtime, source.ModuleCommonJS, `"allowJs": true, "checkJs": true, `)
}

// compareDeclarations instruments the files matching glob with l, writes
// original and output into two projects of module's type with the
// runtime and the strict tsconfig plus options, and compares the
// declarations tsc emits.
func compareDeclarations(t *testing.T, node, tsc string, l lang.Language, glob, runtimeName string, runtime []byte, module source.Module, options string) {
	t.Helper()
	base, err := os.ReadFile("testdata/tsstrict/tsconfig.json")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.Replace(string(base), `"noEmit": true`, options+
		`"module": "nodenext", "moduleResolution": "nodenext", "declaration": true, "emitDeclarationOnly": true, "outDir": "out"`, 1)
	inputs, _ := filepath.Glob(glob)
	if len(inputs) == 0 {
		t.Fatalf("no inputs match %s", glob)
	}
	orig, inst := t.TempDir(), t.TempDir()
	for _, dir := range []string{orig, inst} {
		pkg := `{"type": "module"}`
		if module == source.ModuleCommonJS {
			pkg = `{"type": "commonjs"}`
		}
		writeFile(t, filepath.Join(dir, "package.json"), []byte(pkg))
		writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(conf))
		writeFile(t, filepath.Join(dir, runtimeName), runtime)
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		f := testFile(filepath.Base(in), src)
		f.Module = module
		out, _, err := instrument(l, f, testDecision)
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, in+".golden", out)
		writeFile(t, filepath.Join(orig, filepath.Base(in)), src)
		writeFile(t, filepath.Join(inst, filepath.Base(in)), out)
	}
	for _, dir := range []string{orig, inst} {
		cmd := exec.CommandContext(t.Context(), node, tsc, "-p", ".")
		cmd.Dir = dir
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("tsc rejects %s: %v\n%s", dir, err, msg)
		}
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".d.ts"
		want, err := os.ReadFile(filepath.Join(orig, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(inst, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the original's\n--- original\n%s\n--- instrumented\n%s", name, want, got)
		}
	}
}

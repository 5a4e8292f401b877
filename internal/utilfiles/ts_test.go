package utilfiles

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// typescriptPackage is the compiler the TypeScript runtime is checked with.
const typescriptPackage = "typescript@5.9.3"

func TestTypeScriptRuntimeCompilesStrictAndRuns(t *testing.T) {
	node := tool(t, "node")
	tsc := filepath.Join(npmInstall(t, typescriptPackage), "node_modules", "typescript", "bin", "tsc")
	src := readTestdata(t, "ts/main.ts")
	// verbatimModuleSyntax forbids the ECMAScript import the program
	// itself uses in a CommonJS module; every other flag holds everywhere.
	for _, tc := range []struct {
		module, typ string
		verbatim    bool
	}{{"commonjs", "commonjs", false}, {"nodenext", "module", true}, {"nodenext", "commonjs", false}} {
		t.Run(tc.module+"-"+tc.typ, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write(t, dir, "package.json", `{"private": true, "type": "`+tc.typ+`"}`)
			write(t, dir, "main.ts", src)
			write(t, dir, "_telemetry_utils.ts", string(TypeScript()))
			args := append([]string{tsc}, strictest...)
			args = append(args, "--declaration", "--module", tc.module, "--target", "es2022", "--outDir", "out", "main.ts")
			if tc.module == "nodenext" {
				args = append(args, "--moduleResolution", "nodenext")
			}
			if tc.verbatim {
				args = append(args, "--verbatimModuleSyntax")
			}
			if got := run(t, dir, cleanEnv(), node, args...); got.code != 0 {
				t.Fatalf("tsc %v: exit %d\n%s", args[1:], got.code, got.out)
			}
			plain := "stdout:\n13 later 13 [ 0, 1, 2 ] 16\nstderr:\n"
			if got := run(t, dir, cleanEnv(), node, "out/main.js"); got.out != plain || got.code != 0 {
				t.Fatalf("compiled program, telemetry off: exit %d\n%s", got.code, got.out)
			}
			out := filepath.Join(t.TempDir(), "spans.jsonl")
			got := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, "out/main.js")
			sameBehaviour(t, result{out: plain}, got, slack)
			spans := decode(t, [][]byte{fileSpans(t, out)})
			by := checkTree(t, spans, map[string][]string{"main": {""}, "Calc.add": {"main", "Calc.later"}, "Calc.later": {"main"}, "gen": {"main"}, "sq": {"main"}})
			if g := by["gen"]; len(g) != 1 || g[0].Attrs["gen.loop.iterations"] != int64(3) || strings.Join(g[0].Events, ",") != "gen.loop,password" {
				t.Errorf("gen span: %+v", g)
			}
		})
	}
}

// strictest are the compiler's strictest checks but verbatimModuleSyntax,
// which depends on the module system.
var strictest = []string{"--strict", "--noUnusedLocals", "--noUnusedParameters", "--noImplicitReturns", "--exactOptionalPropertyTypes",
	"--isolatedModules", "--noUncheckedIndexedAccess", "--noImplicitOverride", "--noPropertyAccessFromIndexSignature", "--noFallthroughCasesInSwitch"}

// TestTypeScriptRuntimeUnderVerbatimCommonJS compiles a CommonJS module
// importing the runtime with import = require, the only import
// verbatimModuleSyntax allows there, for commonjs (targeting ES2017, older
// than the runtime's own syntax needs) and nodenext.
func TestTypeScriptRuntimeUnderVerbatimCommonJS(t *testing.T) {
	node := tool(t, "node")
	tsc := filepath.Join(npmInstall(t, typescriptPackage), "node_modules", "typescript", "bin", "tsc")
	for module, target := range map[string]string{"commonjs": "es2017", "nodenext": "es2022"} {
		t.Run(module, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write(t, dir, "package.json", `{"private": true, "type": "commonjs"}`)
			write(t, dir, "main_cjs.ts", readTestdata(t, "ts/main_cjs.ts"))
			write(t, dir, "_telemetry_utils.ts", string(TypeScript()))
			args := append(append([]string{tsc}, strictest...), "--verbatimModuleSyntax", "--module", module, "--target", target, "--outDir", "out", "main_cjs.ts")
			if got := run(t, dir, cleanEnv(), node, args...); got.code != 0 {
				t.Fatalf("tsc %v: exit %d\n%s", args[1:], got.code, got.out)
			}
			out := filepath.Join(t.TempDir(), "spans.jsonl")
			got := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), node, "out/main_cjs.js")
			sameBehaviour(t, result{out: "stdout:\n13\nstderr:\n"}, got, slack)
			by := checkTree(t, decode(t, [][]byte{fileSpans(t, out)}), map[string][]string{"main": {""}, "Calc.add": {"main"}})
			if a := by["Calc.add"]; len(a) != 1 || a[0].Attrs["a"] != int64(1) || a[0].EventAttrs[0]["shape"] != "number" {
				t.Errorf("Calc.add: %+v", a)
			}
		})
	}
}

// TestDeclarationsTypeTheJavaScriptRuntime compiles the injected calls
// against _telemetry_utils.d.ts beside the CommonJS runtime.
func TestDeclarationsTypeTheJavaScriptRuntime(t *testing.T) {
	node := tool(t, "node")
	tsc := filepath.Join(npmInstall(t, typescriptPackage), "node_modules", "typescript", "bin", "tsc")
	dir := t.TempDir()
	write(t, dir, "main.ts", readTestdata(t, "ts/main.ts"))
	write(t, dir, "_telemetry_utils.d.ts", string(Declarations()))
	_, js := JavaScript(source.ModuleCommonJS)
	write(t, dir, "_telemetry_utils.js", string(js))
	args := append(append([]string{tsc}, strictest...), "--noEmit", "--module", "commonjs", "--target", "es2022", "main.ts")
	if got := run(t, dir, cleanEnv(), node, args...); got.code != 0 {
		t.Fatalf("tsc %v: exit %d\n%s", args[1:], got.code, got.out)
	}
}

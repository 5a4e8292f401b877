package javascript

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// tsProject lays out a strict TypeScript project whose node_modules holds
// the real typescript package (linked from the npm test cache), as npm
// would install it, and returns its folder.
func tsProject(t *testing.T, files map[string]string) string {
	t.Helper()
	pkg := filepath.Join(npmCorpus(t), "typescript")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", ".bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pkg, filepath.Join(dir, "node_modules", "typescript")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../typescript/bin/tsc", filepath.Join(dir, "node_modules", ".bin", "tsc")); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile("testdata/tsstrict/tsconfig.json")
	if err != nil {
		t.Fatal(err)
	}
	conf = []byte(strings.Replace(string(conf), `"compilerOptions": {`, `"compilerOptions": {"module": "nodenext",`, 1))
	writeFile(t, filepath.Join(dir, "tsconfig.json"), conf)
	writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`))
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), []byte(text))
	}
	return dir
}

// TestValidateTypeChecksWithTheProjectsTSC checks that TypeScript output
// is type-checked by the project's own tsc against its tsconfig: output
// with a type error the original did not have is rejected with the
// compiler's code, errors the original already had are not held against
// the output, and a file with no compiler above it is parsed only.
func TestValidateTypeChecksWithTheProjectsTSC(t *testing.T) {
	if testing.Short() {
		t.Skip("type checking takes seconds")
	}
	good := "export function f(a: number): number {\n  const b = a + 1;\n  return b;\n}\n"
	owns := "export function g(s: string): number {\n  const n: number = s;\n  return n;\n}\n"
	dir := tsProject(t, map[string]string{"a.ts": good, "b.ts": owns})
	if s := FindTypeScript(filepath.Join(dir, "a.ts"), ""); !s.Checks() || !strings.Contains(s.Explain(), "type-checked") {
		t.Fatalf("setup not found: %+v", s)
	}
	_, ts := languages(t, Options{})
	file := func(name, text string) *source.File {
		f := testFile(name, []byte(text))
		f.Abs = filepath.Join(dir, name)
		return f
	}
	shapes := func(c *source.Construct) source.Decision {
		d := testDecision(c)
		d.RecordValue = false
		return d
	}
	a := file("a.ts", good)
	out, _, err := instrument(ts, a, shapes)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := ts.Validate(bg, a, out); err != nil {
		t.Fatalf("instrumented a.ts rejected: %v\n%s", err, out)
	}
	first := time.Since(start)
	start = time.Now()
	broken := append(out, []byte("/*@ti{*/__ti.v(\"x\", missingName, \"a.ts\", 1);/*}@ti*/\n")...)
	err = ts.Validate(bg, a, broken)
	if err == nil || !strings.Contains(err.Error(), "TS2304") {
		t.Fatalf("a type error in the output was not reported: %v", err)
	}
	t.Logf("first check (builds the program) %v, next check %v", first, time.Since(start))
	b := file("b.ts", owns)
	outB, _, err := instrument(ts, b, shapes)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.Validate(bg, b, outB); err != nil {
		t.Errorf("an error the original had is held against the output: %v", err)
	}
	// The batch form: one compiler run for both files.
	errs, err := CheckTypeScript(bg, "", "", []TSFile{{File: a, Out: broken}, {File: b, Out: outB}})
	if err != nil || len(errs) != 1 || errs[a.Abs] == nil {
		t.Errorf("CheckTypeScript = %v, %v; want one error, for a.ts", errs, err)
	}
	// No compiler above the file: parsed only, and said so.
	lone := t.TempDir()
	if s := FindTypeScript(filepath.Join(lone, "x.ts"), ""); s.Checks() || !strings.Contains(s.Explain(), "parsed only") {
		t.Errorf("setup without tsc: %+v %q", s, s.Explain())
	}
}

// TestValidateIgnoresTheImportEndingInMessages checks that an error the
// original had is not held against the output when only its message
// changed because of the runtime import: tsc names a symbol of another
// module by a specifier it writes in the style of the file's imports, so
// mobx's `Property '["./decorators".storedAnnotationsSymbol]'` became
// `"./decorators.js"` once the file imported "./_telemetry_utils.js".
func TestValidateIgnoresTheImportEndingInMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("type checking takes seconds")
	}
	uses := "import { stored } from \"./internal\";\n" +
		"export function annotations(prototype: object, key: string): unknown {\n" +
		"  const own = {};\n  const found = own[stored] ?? prototype;\n  return [found, key];\n}\n"
	dir := tsProject(t, map[string]string{
		"symbols.ts":  "export const stored = Symbol(\"stored\");\n",
		"internal.ts": "export * from \"./symbols\";\n",
		"uses.ts":     uses,
	})
	// A bundler project, whose imports name no file extension.
	writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(`{"compilerOptions": {"strict": true, "noEmit": true,
		"target": "es2022", "module": "esnext", "moduleResolution": "bundler", "types": []}}`))
	_, ts := languages(t, Options{})
	f := testFile("uses.ts", []byte(uses))
	f.Abs = filepath.Join(dir, "uses.ts")
	out, _, err := instrument(ts, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"./_telemetry_utils.js"`) {
		t.Fatalf("the runtime import changed, the test no longer shows its point:\n%s", out)
	}
	if err := ts.Validate(bg, f, out); err != nil {
		t.Errorf("the original's TS7053 is held against the output: %v", err)
	}
}

// TestValidateKeepsCommentsThatActOnTheirPlace type-checks with the real
// tsc golden inputs whose comments above the first statement act where
// they are: tRPC's `// @ts-expect-error` over its Symbol.dispose polyfill
// (an import put between the two took the directive, TS2578, and left the
// statement's error unsuppressed, TS2540), a `/** @jsx h */` pragma,
// which tsc reads only before the first statement (TS2874 once the import
// went above it), and the same directive over a loop, whose line went
// between them.
func TestValidateKeepsCommentsThatActOnTheirPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("type checking takes seconds")
	}
	h := "export function h(tag: string, props: Record<string, unknown> | null, ...children: unknown[]): unknown {\n" +
		"  return { tag, props, children };\n}\n" +
		"declare global { namespace JSX { interface IntrinsicElements { [k: string]: Record<string, unknown> } } }\n"
	for _, name := range []string{"next_line_directive.ts", "jsx_pragma.tsx", "loop_directive.ts"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/golden", name))
			if err != nil {
				t.Fatal(err)
			}
			dir := tsProject(t, map[string]string{name: string(src), "h.ts": h})
			writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(`{"compilerOptions": {"strict": true, "noEmit": true, "jsx": "react",
		"target": "es2022", "lib": ["esnext"], "module": "esnext", "moduleResolution": "bundler", "types": []}}`))
			_, ts := languages(t, Options{})
			f := testFile(name, src)
			f.Abs = filepath.Join(dir, name)
			out, _, err := instrument(ts, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			if err := ts.Validate(bg, f, out); err != nil {
				t.Errorf("the instrumented file does not type-check: %v", err)
			}
		})
	}
}

// TestFindTypeScriptNamesTheNativeCompiler checks that a project on
// TypeScript 7 (the native compiler, whose package has no JavaScript API)
// is told why its output is only parsed, not that it has no typescript.
func TestFindTypeScriptNamesTheNativeCompiler(t *testing.T) {
	modules := filepath.Join(npmtest.Install(t, "typescript@7.0.2"), "node_modules")
	proj := t.TempDir()
	if err := os.Symlink(modules, filepath.Join(proj, "node_modules")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "tsconfig.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := FindTypeScript(filepath.Join(proj, "src", "a.ts"), "")
	if s.Checks() || !strings.Contains(s.Explain(), "version 7.0.2") || !strings.Contains(s.Explain(), "no JavaScript API") {
		t.Errorf("setup with TypeScript 7: %+v %q", s, s.Explain())
	}
}

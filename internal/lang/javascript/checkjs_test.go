package javascript

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// checkJSConfig is the type-check of a JavaScript project typed by JSDoc,
// as @ljharb/tsconfig sets it for every es-shims package: JavaScript
// checked under strict with unused names reported.
const checkJSConfig = `{"compilerOptions": {"allowJs": true, "checkJs": true, "noEmit": true, "strict": true,
  "noUnusedLocals": true, "noUnusedParameters": true, "target": "es2022", "module": "nodenext"}}`

// checkJSSource is a JSDoc-typed module; the instrumentation gives it
// spans, an async function (run) and values.
const checkJSSource = `/** @param {number[]} xs @returns {number} */
function total(xs) {
	var sum = 0;
	for (var i = 0; i < xs.length; i++) {
		sum += xs[i];
	}
	return sum;
}
/** @param {string} s */
async function later(s) {
	var t = await Promise.resolve(s);
	return t.length;
}
module.exports = { total, later };
`

// checkJSShim is the shape of an es-shims implementation: the doc comment
// that types the export below the directive prologue.
const checkJSShim = `'use strict';

/** @type {(s: string) => number} */
module.exports = function length(s) {
	var n = s.length;
	return n;
};
`

// TestCheckJSProjectStillTypeChecks runs the real tsc over a project that
// checks its JavaScript, with the instrumented file and the runtime the
// tool writes beside it (behind the stamp line the tool puts first): the
// original passes, so must this. Under checkJs the runtime file is checked
// too, and the fallback of the injected lookup once declared five untyped
// parameters, four unread.
func TestCheckJSProjectStillTypeChecks(t *testing.T) {
	node, tsc := realTSC(t, "type checking takes seconds")
	js, _ := languages(t, Options{})
	for _, mod := range []struct {
		name, pkgType, file string
		module              source.Module
	}{
		{"commonjs", "commonjs", "lib.js", source.ModuleCommonJS},
		{"module", "module", "lib.cjs", source.ModuleESM},
	} {
		t.Run(mod.name, func(t *testing.T) {
			f := testFile(mod.file, []byte(checkJSSource))
			out, cs, err := instrument(js, f, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			shim := testFile("shim.cjs", []byte(checkJSShim))
			shimOut, shimCs, err := instrument(js, shim, testDecision)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) < 5 || len(shimCs) < 2 {
				t.Fatalf("only %d and %d constructs found", len(cs), len(shimCs))
			}
			_, runtime := utilfiles.JavaScript(mod.module)
			for i, code := range [][]byte{f.Src, out} {
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, "tsconfig.json"), []byte(checkJSConfig))
				writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"type": "`+mod.pkgType+`"}`))
				writeFile(t, filepath.Join(dir, mod.file), code)
				writeFile(t, filepath.Join(dir, "shim.cjs"), [][]byte{shim.Src, shimOut}[i])
				if i == 1 {
					stamped := append([]byte("// telemetry-inject runtime 1 sha256:0 (generated)\n"), runtime...)
					writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), stamped)
				}
				cmd := exec.CommandContext(t.Context(), node, tsc, "-p", ".")
				cmd.Dir = dir
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("tsc rejects the %s project (instrumented %v): %v\n%s", mod.name, i == 1, err, msg)
				}
			}
		})
	}
}

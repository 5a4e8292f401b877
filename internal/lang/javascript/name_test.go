package javascript

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
)

func TestRenderRefusesInvalidNames(t *testing.T) {
	js, ts := languages(t, Options{NoNode: true})
	for path, src := range map[string]string{
		"m.js": "function f(a) {\n  let x = a;\n  for (const i of a) {}\n  return x;\n}\n",
		// A TypeScript script without import or export is not instrumented.
		"m.ts": "export function f(a: number[]): number[] {\n  let x = a;\n  for (const i of a) {}\n  return x;\n}\n",
	} {
		f := testFile(path, []byte(src))
		langtest.RenderRefusesInvalidNames(t, pick(f, js, ts), f, testDecision,
			`x", require("child_process").exec("id"), "`, "x`${process.exit(1)}`")
	}
}

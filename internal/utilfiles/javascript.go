package utilfiles

import (
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// scopeVersion is the instrumentation scope version and
// telemetry.sdk.version the JavaScript runtime reports: the version of the
// contract in docs/injected-code.md it implements.
const scopeVersion = "2.0.0"

// export is one name the injected code calls: the runtime's internal
// function behind it and its TypeScript type.
type export struct{ name, fn, tsType string }

// exports lists the names the injected code calls, the contract in
// docs/injected-code.md.
func exports() []export {
	return []export{
		{"enter", "tiEnter", "(name: string, file: string, line: number, attrs?: Record<string, unknown> | null, values?: number | boolean) => TiSpan"},
		{"exit", "tiExit", "(span: TiSpan) => void"},
		{"fail", "tiFail", "(span: TiSpan, error: unknown) => void"},
		{"run", "tiRun", "<T>(name: string, file: string, line: number, attrs: Record<string, unknown> | null | undefined, fn: () => T, values?: number | boolean) => T"},
		{"loop", "tiLoop", "(event: string, file: string, line: number) => void"},
		{"tick", "tiTick", "(event: string) => void"},
		{"v", "tiVar", "(key: string, value: unknown, file: string, line: number) => void"},
		{"val", "tiVal", "(key: string, value: unknown, file: string, line: number) => void"},
		{"mark", "tiMark", "(key: string, file: string, line: number) => void"},
	}
}

// variant says how one flavour of the JavaScript runtime is assembled from
// the single source: what opens the file, how a lazy require is reached,
// and how the functions are exported.
type variant struct {
	header  string
	require string
	export  func(name, fn, tsType string) string
	footer  string
}

// JavaScript returns the file name and content of the JavaScript runtime
// for importers using module: CommonJS (module.exports, loadable by
// require) or, for anything else, an ES module (import * as __ti). The
// name is _telemetry_utils.js; the placement may give it a .cjs or .mjs
// extension where the package's "type" asks for one.
func JavaScript(module source.Module) (fileName string, content []byte) {
	// Unchecked (// @ts-nocheck) like the TypeScript variant: a project
	// whose tsconfig checks its JavaScript (allowJs with checkJs) takes
	// the runtime beside its sources into the check.
	if module == source.ModuleCommonJS {
		return baseName + ".js", build(variant{
			header:  "// @ts-nocheck\n\"use strict\";",
			require: `typeof require === "function" ? require : undefined`,
			export:  func(name, fn, _ string) string { return "exports." + name + " = " + fn + ";" },
		})
	}
	return baseName + ".js", build(variant{
		header:  "// @ts-nocheck",
		require: "undefined",
		export:  func(name, fn, _ string) string { return "export { " + fn + " as " + name + " };" },
	})
}

// TypeScript returns the content of _telemetry_utils.ts: the ES module
// variant with typed exports, unchecked inside (// @ts-nocheck) so that it
// compiles under any strictness, and a module either way, so that tsc emits
// it as CommonJS or ESM as the project's "module" setting says.
func TypeScript() []byte {
	return build(variant{
		header:  "// @ts-nocheck",
		require: `typeof require === "function" ? require : undefined`,
		export: func(name, fn, tsType string) string {
			return "export const " + name + ": " + tsType + " = " + fn + ";"
		},
		footer: "/** TiSpan is the opaque handle enter returns. */\nexport type TiSpan = object | null;\n",
	})
}

// build assembles one variant from the source and the exporter.
func build(v variant) []byte {
	var out strings.Builder
	for _, e := range exports() {
		out.WriteString(v.export(e.name, e.fn, e.tsType))
		out.WriteByte('\n')
	}
	out.WriteString(v.footer)
	r := strings.NewReplacer(
		"//@@HEADER@@\n", header(v.header),
		"/*@@REQUIRE@@*/ undefined", v.require,
		"//@@SHAPE@@\n", read("shape.js"),
		"//@@SHARE@@\n", read("share.js"),
		"//@@SAMPLER@@\n", read("sampler.js"),
		"//@@EXPORTER@@\n", read("exporter.js"),
		"@@VERSION@@", scopeVersion,
		"//@@EXPORTS@@\n", out.String(),
	)
	return []byte(r.Replace(read("telemetry_utils.js")))
}

func header(h string) string {
	if h == "" {
		return ""
	}
	return h + "\n"
}

// Declarations returns _telemetry_utils.d.ts, the types of the JavaScript
// runtime for TypeScript tooling that checks JavaScript files (checkJs) or
// imports the .js runtime from TypeScript.
func Declarations() []byte {
	var b strings.Builder
	b.WriteString("// Types of the telemetry-inject runtime beside this file.\n")
	b.WriteString("/** TiSpan is the opaque handle enter returns. */\nexport type TiSpan = object | null;\n")
	for _, e := range exports() {
		b.WriteString("export declare const " + e.name + ": " + e.tsType + ";\n")
	}
	return []byte(b.String())
}

package realcorpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// widerJSCorpus is the JavaScript and TypeScript round: shapes the npm
// projects before it did not have. Each comment says what the project
// exercises; each costs seconds.
func widerJSCorpus(npm, checkJS *npmInstaller) []project {
	// function.prototype.name's tests read the names of functions,
	// arrows, generators, async functions, bound functions and classes
	// through its shim: what a wrapper would rename. Its uglified.js needs
	// uglify-register, which is not published for today's node.
	fnName := tapePackage(npm, "function.prototype.name", time.Minute,
		"test/implementation.js", "test/index.js", "test/shimmed.js")
	// The default density instruments one function of this small package.
	fnName.flags = []string{"--density", "high"}

	// graphql 16 ships CommonJS compiled by Babel (re-exports as
	// Object.defineProperty getters and Object.keys(...).forEach star
	// re-exports, which Node matches by shape to let ES modules import
	// names from CommonJS) beside an .mjs copy of every module; every one
	// is imported from an ES module, at high density so that getters are
	// candidates too.
	graphql := importProject(npm, "graphql", time.Minute)
	graphql.flags = []string{"--density", "high"}

	// tRPC's server core: routers built from deeply generic builders,
	// async generators and streams with Symbol.asyncDispose, and a
	// polyfill whose first line is under a `// @ts-expect-error`. Its
	// adapters need the types of the frameworks they adapt to and are
	// left out; at high density so that the polyfill's file is
	// instrumented too.
	trpc := tscProject(npm, "@trpc/server", "", strictTSConfig(
		`"lib": ["es2022", "dom", "dom.iterable", "esnext.disposable", "esnext.asynciterable"],`+
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noImplicitOverride": true,`+
			`"noFallthroughCasesInSwitch": true,`,
	), 5*time.Minute, "src/adapters")
	trpc.flags = []string{"--density", "high"}

	// valibot's dist, one esbuild bundle of each module system, exports
	// under reserved words (`export { function_ as function, ... }`),
	// which the JavaScript grammar rejects: the bundles were skipped
	// whole. The dist folder is the root, as the scan never enters a
	// folder named dist below it.
	valibot := importProjectIn(npm, "valibot", "dist", time.Minute)
	valibot.flags = []string{"--density", "high"}

	// es-to-primitive's ES5 and ES2015 ToPrimitive implementations call
	// a value's conversion methods (Symbol.toPrimitive, valueOf,
	// toString) in the order each spec gives, and its tests probe that
	// order with objects whose methods throw or return objects. It
	// instruments one file at the default density, three at high.
	// (is-callable and regexp.prototype.flags, hunted alongside, passed
	// too, but is-callable's counts vary between runs of the same tree
	// and regexp.prototype.flags names a test after random flags.)
	toPrimitive := tapePackage(npm, "es-to-primitive", time.Minute)
	toPrimitive.flags = []string{"--density", "high"}

	ps := []project{
		fnName,
		valibot,
		graphql,
		trpc,
		// mobx 6: TypeScript classes with getters and setters over
		// Proxies, the 2022.3 decorators' implementation and the legacy
		// ones (decorator_fills, declare, enums, overloads, generic
		// interfaces with unseparated call signatures), checked with the
		// strictest settings its original passes (its repository turns
		// implicit any and this off) and the newer lib its Set methods
		// need. Its entry file, src/mobx.ts, is left out: its
		// `declare const hook: { injectMobx: (any) => void }` (a
		// parameter named any) is beyond the TypeScript grammar the tool
		// parses with, and the tool skips the file, as it says.
		tscProject(npm, "mobx", "", strictTSConfig(
			`"noImplicitAny": false, "noImplicitThis": false, "lib": ["esnext", "dom"],`,
		), 5*time.Minute, "src/mobx.ts"),
		// TanStack Table's core ("type": "commonjs" package of ES module
		// sources): feature objects of generic closures; TanStack Store
		// ("type": "module"): classes with private state and a scheduler;
		// Preact's signals core: constructor functions with prototypes
		// assigned by hand, `this` parameters, Object.defineProperty
		// getters and setters, and a bitfield state machine. Each with the
		// strictest settings its original passes: store and signals-core
		// also under verbatimModuleSyntax and isolatedModules.
		tscProject(npm, "@tanstack/table-core", "", strictTSConfig(
			`"noImplicitOverride": true, "isolatedModules": true, "noFallthroughCasesInSwitch": true,`,
		), 5*time.Minute),
		tscProject(npm, "@tanstack/store", "", strictTSConfig(
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noImplicitOverride": true,`+
				`"noFallthroughCasesInSwitch": true, "verbatimModuleSyntax": true, "isolatedModules": true,`,
		), 5*time.Minute),
		tscProject(npm, "@preact/signals-core", "", strictTSConfig(
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noImplicitOverride": true,`+
				`"noFallthroughCasesInSwitch": true,`,
		), 5*time.Minute),
	}
	// has-strict-mode type-checks its JavaScript: its tsconfig extends
	// @ljharb/tsconfig (allowJs, checkJs, strict, unused names), as every
	// es-shims package's does, and the doc comment below "use strict"
	// types the function it exports. The runtime beside it, the lookup's
	// fallback, and a lookup on the doc comment's line each failed the
	// check. Its tape tests run in the project before this one's list.
	strictMode := checkJSPackage(checkJS, "has-strict-mode", time.Minute)
	strictMode.flags = []string{"--density", "high"}
	strictModeTests := tapePackage(npm, "has-strict-mode", time.Minute)
	strictModeTests.flags = []string{"--density", "high"}

	// v8-to-istanbul (c8's converter) is written in standard style, without
	// semicolons, and its lib/range.js opens with the doc comment of its
	// first statement, `module.exports.sliceRange = (...) => {...}`: the
	// runtime lookup, with no line above, followed that statement and
	// joined it (`}var __ti = ...`), and the tool left the file untouched.
	// Every module is imported from an ES module, at the default density.
	v8ToIstanbul := importProject(npm, "v8-to-istanbul", time.Minute)

	ps = append(ps, toPrimitive, strictMode, strictModeTests, v8ToIstanbul)
	// A file left untouched because the tool's own check rejected its
	// output passes the suite but is a gap of the tool: here it fails.
	for i := range ps {
		ps[i].allOrNothing = true
	}
	return ps
}

// importProject is a package that publishes no tests but CommonJS and ES
// module files: the package is copied whole and instrumented, and every
// .js, .cjs and .mjs file of the original is imported from an ES module
// (importAll), which must give the same export names and types. Importing
// CommonJS from an ES module is where Node reads the names a CommonJS file
// exports from its source text, which a require alone never checks.
func importProject(npm *npmInstaller, pkg string, timeout time.Duration) project {
	return importProjectIn(npm, pkg, "", timeout)
}

// importProjectIn is importProject with only the folder sub of the package
// ("" for all of it) instrumented and imported.
func importProjectIn(npm *npmInstaller, pkg, sub string, timeout time.Duration) project {
	name := "import:" + pkg
	if sub != "" {
		name += ":" + sub
	}
	return project{
		parsesAll: true,
		name:      name,
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root, _, err := copyNPMPackage(npm, work, pkg)
			if err != nil {
				return suite{}, err
			}
			root = filepath.Join(root, sub)
			script := filepath.Join(work, "import-all.mjs")
			if err := os.WriteFile(script, []byte(importAll), 0o644); err != nil {
				return suite{}, err
			}
			var files []string
			err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				switch filepath.Ext(p) {
				case ".js", ".cjs", ".mjs":
					rel, _ := filepath.Rel(root, p)
					files = append(files, rel)
				}
				return nil
			})
			if err != nil || len(files) == 0 {
				return suite{}, fmt.Errorf("%s publishes no .js, .cjs or .mjs file (%v)", pkg, err)
			}
			sort.Strings(files)
			return nodeTAP(root, append([]string{script}, files...), timeout), nil
		},
	}
}

// TestImportProjectSeesCommonJSNames checks the import check's premise:
// a CommonJS file's names reach an ES module only when Node finds them
// in its source, so a getter with anything more than its return in the
// body loses the name; a check that missed it would pass graphql's
// instrumented files whatever became of its exports.
func TestImportProjectSeesCommonJSNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("import-all.mjs", importAll)
	write("plain.js", "Object.defineProperty(exports, 'a', { enumerable: true, get: function () { return Math.PI; } });\n")
	write("busy.js", "Object.defineProperty(exports, 'a', { enumerable: true, get: function () { void 0; return Math.PI; } });\n")
	c := command{dir: dir, env: offlineEnv(), name: "node", args: []string{"import-all.mjs", "busy.js", "plain.js"}, timeout: time.Minute}
	res, err := c.run(t.Context())
	if err != nil {
		t.Skipf("node: %v", err)
	}
	o := countTAP(res)
	busy, plain := "busy.js exports default:object", "plain.js exports a:number,default:object"
	if _, ok := o.cases[busy+" #1"]; !ok {
		t.Errorf("busy.js: want %q in\n%s", busy, res.output)
	}
	if _, ok := o.cases[plain+" #1"]; !ok {
		t.Errorf("plain.js: want %q in\n%s", plain, res.output)
	}
}

// checkJSPackage is an npm package of JavaScript that type-checks it with
// its own tsconfig (allowJs and checkJs): the package is copied whole,
// instrumented, and checked with tsc --noEmit, counted as tscProject's.
func checkJSPackage(npm *npmInstaller, pkg string, timeout time.Duration) project {
	return project{
		parsesAll: true,
		name:      "checkjs:" + pkg,
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root, modules, err := copyNPMPackage(npm, work, pkg)
			if err != nil {
				return suite{}, err
			}
			if _, err := os.Stat(filepath.Join(root, "tsconfig.json")); err != nil {
				return suite{}, fmt.Errorf("%s publishes no tsconfig.json: %w", pkg, err)
			}
			c := command{dir: root, env: offlineEnv(), name: "node", timeout: timeout,
				args: []string{filepath.Join(modules, "typescript", "bin", "tsc"), "--noEmit", "-p", "."}}
			return suite{root: root, run: func(ctx context.Context) (outcome, error) {
				res, err := c.run(ctx)
				if err != nil {
					return outcome{}, err
				}
				return countTSC(res), nil
			}}, nil
		},
	}
}

package realcorpus

import (
	"context"
	"strings"
	"time"
)

// corpusProjects is the corpus. Each suite is bounded by a timeout about
// five times its baseline on a 2-core machine, so a hang is a failure
// rather than a stuck CI run, while instrumented code may be slower.
func corpusProjects(ctx context.Context) []project {
	ps := []project{
		debianPackage("debian:toolz", "python3-toolz", "toolz", []string{"tests"}, 2*time.Minute),
		// networkx ships 250 test files; these folders cover graphs,
		// algorithms with generators and recursion, and readers/writers in
		// about 30 seconds, where the whole suite takes minutes.
		debianPackage("debian:networkx", "python3-networkx", "networkx", []string{
			"tests", "utils", "readwrite", "algorithms/shortest_paths", "algorithms/traversal",
			"algorithms/components", "algorithms/flow", "algorithms/isomorphism",
		}, 5*time.Minute),
		// sympy is 1,500 modules, all instrumented since importing sympy
		// imports most of them; the tests are a few quick modules of core,
		// combinatorics, polys and utilities.
		debianPackage("debian:sympy", "python3-sympy", "sympy", []string{
			"core/tests/test_basic.py", "core/tests/test_sympify.py",
			"combinatorics/tests/test_permutations.py", "polys/tests/test_densebasic.py",
			"utilities/tests/test_iterables.py",
		}, 5*time.Minute),
		// mpmath's arithmetic, conversions, matrices and root-finding run
		// the multiprecision core and its generated contexts in seconds;
		// the special functions and quadrature take minutes.
		debianPackage("debian:mpmath", "python3-mpmath", "mpmath", []string{
			"tests/test_basic_ops.py", "tests/test_convert.py", "tests/test_matrices.py",
			"tests/test_linalg.py", "tests/test_str.py", "tests/test_power.py",
			"tests/test_interval.py", "tests/test_bitwise.py", "tests/test_rootfinding.py",
		}, 5*time.Minute),
		// colorama's tests (files named *_test.py) mock sys.stdout and
		// the Windows console calls it wraps.
		debianPackage("debian:colorama", "python3-colorama", "colorama", []string{"tests"}, 2*time.Minute),
	}
	// Modules the telemetry runtime itself may import are in the list on
	// purpose: an instrumented copy of them must not break the runtime.
	// Packages (email, logging, re, collections) are instrumented whole.
	// Each suite takes seconds; test_logging, the longest, about 25.
	for _, m := range []string{"bisect", "heapq", "textwrap", "string", "json", "random",
		"fnmatch", "shlex", "calendar", "colorsys", "threading", "inspect",
		"difflib", "statistics", "fractions", "argparse", "dataclasses", "configparser",
		"csv", "email", "logging", "tempfile", "typing", "pathlib", "enum", "functools",
		"collections", "re", "contextlib", "ipaddress", "pprint", "copy", "pickle",
		"datetime", "tokenize", "ast", "traceback", "zipfile", "tarfile", "warnings",
		"optparse", "shutil", "glob", "gettext", "operator", "weakref", "types", "queue",
		"sched", "uuid", "plistlib", "graphlib", "netrc", "wave", "dis", "locale"} {
		ps = append(ps, stdlibModule(m, []string{"test_" + m}, 3*time.Minute))
	}
	// decimal is the C accelerator; test_decimal runs its tests on the
	// pure-Python _pydecimal too.
	ps = append(ps, stdlibModule("_pydecimal", []string{"test_decimal"}, 3*time.Minute))
	// Modules whose tests are named otherwise, or split over several.
	for _, m := range []struct{ module, tests string }{
		{"doctest", "test_doctest"}, {"bdb", "test_bdb"}, {"pdb", "test_pdb"}, {"trace", "test_trace"},
		{"html", "test_html test_htmlparser"}, {"xml", "test_xml_etree"}, {"urllib", "test_urlparse"},
		{"base64", "test_base64"}, {"gzip", "test_gzip"}, {"mimetypes", "test_mimetypes"},
		{"fileinput", "test_fileinput"}, {"getopt", "test_getopt"}, {"hmac", "test_hmac"},
		{"filecmp", "test_filecmp"}, {"quopri", "test_quopri"}, {"codeop", "test_codeop"},
		{"pydoc", "test_pydoc"}, {"reprlib", "test_reprlib"},
	} {
		ps = append(ps, stdlibModule(m.module, strings.Fields(m.tests), 3*time.Minute))
	}
	ps = append(ps, widerPythonCorpus()...) // wider_py_test.go
	ps = append(ps, goProjects()...)        // Go modules: golang_test.go
	npm := newNPMInstaller(ctx, npmPackages)
	ps = append(ps, widerCorpus(npm)...)
	ps = append(ps, widerJSCorpus(npm, newNPMInstaller(ctx, checkJSPackages))...)
	return append(ps,
		tapePackage(npm, "minimist", 2*time.Minute),
		tapePackage(npm, "qs", 2*time.Minute),
		// traverse walks objects with closures and getters; deep-equal
		// and json-stable-stringify compare and print every kind of value.
		tapePackage(npm, "traverse", 2*time.Minute),
		tapePackage(npm, "json-stable-stringify", 2*time.Minute),
		tapePackage(npm, "deep-equal", 2*time.Minute),
		// function-bind's tests check a bound function's length, name and
		// prototype: what a wrapper around a function would change.
		tapePackage(npm, "function-bind", 2*time.Minute),
		// fast-uri parses, resolves and serializes URIs with regexps and
		// string loops; one of its test files runs it under ajv.
		tapePackage(npm, "fast-uri", 2*time.Minute),
		// Iterator helpers: generators and iterator protocol throughout.
		// test/index.js and Iterator.js load require-stash, which is not
		// on the registry; shimmed.js runs every method's tests.
		tapePackage(npm, "es-iterator-helpers", 3*time.Minute, "test/shimmed.js", "test/aos.js"),
		// find-my-way (fastify's router: radix tree, regexps, constraint
		// strategies) and avvio (its plugin loader: callbacks, promises,
		// async functions, timers) publish their node:test suites.
		nodeTestPackage(npm, "find-my-way", 3*time.Minute),
		nodeTestPackage(npm, "avvio", 3*time.Minute),
		// d3-array is "type": "module" and publishes its src/ but no
		// tests: every module must still load with the same exports.
		esmProject(npm, "d3-array", time.Minute),
		// rxjs ships its sources with the tsconfig it is built with
		// (strict, noImplicitReturns); the ESM build's is checked.
		tscProject(npm, "rxjs", "src/tsconfig.esm.json", "", 5*time.Minute),
		// immer and query-core ship their sources without a tsconfig: the
		// corpus supplies a strict one, as strict as the original passes.
		tscProject(npm, "immer", "", strictTSConfig(""), 5*time.Minute),
		tscProject(npm, "@tanstack/query-core", "", strictTSConfig(
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noFallthroughCasesInSwitch": true,`,
		), 5*time.Minute),
		// zod 4 ships its TypeScript sources (v4 core, classic, mini and
		// locales, and the legacy v3, left out for time: nothing else
		// imports it) with their tests: the strictest settings the
		// original passes, tests and benchmarks left out. Its core schemas
		// put variance annotations (in, out) on type parameters.
		tscProject(npm, "zod", "", strictTSConfig(
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noFallthroughCasesInSwitch": true,`+
				`"exactOptionalPropertyTypes": true, "noImplicitOverride": true,`,
			"**/tests/**", "**/benchmarks/**",
		), 5*time.Minute, "src/v3"),
	)
}

// strictTSConfig is a strict tsconfig for a package's src/, as a project
// using the package's sources with a modern bundler would have it, with
// extra compiler options (each followed by a comma) inserted before the
// closing brace, and the
// folders of src/ given in exclude (the package's own tests, which need
// its test runner's types) left out.
func strictTSConfig(extra string, exclude ...string) string {
	excluded := ""
	for _, e := range exclude {
		excluded += `, "src/` + e + `"`
	}
	if excluded != "" {
		excluded = `, "exclude": [` + excluded[2:] + `]`
	}
	// The extra options come last, so that they may also replace one of
	// these (mobx needs a newer lib); tsc allows the trailing comma.
	return strings.Join([]string{`{"compilerOptions": {`,
		`"strict": true, "noEmit": true, "target": "es2022", "module": "esnext",`,
		`"moduleResolution": "bundler", "lib": ["es2022", "dom"], "types": ["node"], "skipLibCheck": true,`,
		extra + `},`,
		`"include": ["src/**/*.ts"]` + excluded + `}`, ""}, "\n")
}

package realcorpus

import (
	"strings"
	"time"
)

// widerCorpus is the second round of projects, chosen for shapes the first
// did not have: async frameworks, pickling by value, parsers that read
// their own source, import machinery, and more strict TypeScript. Each
// comment says what the project exercises that others do not.
func widerCorpus(npm *npmInstaller) []project {
	// trio is structured concurrency built on coroutines, async
	// generators, KeyboardInterrupt delivery through frames it marks
	// and tracebacks it trims; the ssl tests need trustme and the tools
	// tests jedi and pylint, which Debian does not ship with it.
	ps := []project{
		debianPackage("debian:trio", "python3-trio", "trio", []string{"_core/tests", "tests",
			"--ignore=tests/test_dtls.py", "--ignore=tests/test_ssl.py",
			"--ignore=tests/test_highlevel_ssl_helpers.py", "--ignore=tests/tools"}, 3*time.Minute),
		// dill pickles functions, classes, closures and frames by value:
		// what a wrapper or a runtime reference in a function's globals
		// would change. Its test files that fail to import under pytest
		// on the original (they run as scripts upstream) are left out.
		debianPackage("debian:dill", "python3-dill", "dill", filesNamed("tests/test_", dillTests, ".py"), 2*time.Minute),
		// simplejson's pure-Python encoder and decoder (the C speedups are
		// tested too) and bs4's tree builders and soupsieve selectors.
		debianPackage("debian:simplejson", "python3-simplejson", "simplejson", []string{"tests"}, 2*time.Minute),
		debianPackage("debian:bs4", "python3-bs4", "bs4", []string{"tests"}, 2*time.Minute),
		// pyflakes walks ASTs with a visitor dispatching on method names
		// (getattr(self, node.__class__.__name__.upper())).
		debianPackage("debian:pyflakes", "python3-pyflakes", "pyflakes", []string{"test"}, 2*time.Minute),
		// jsonschema: validators made by a class factory, attrs classes,
		// format checkers registered by decorators. Its official-suite test
		// needs a checkout of the JSON-Schema-Test-Suite.
		debianPackage("debian:jsonschema", "python3-jsonschema", "jsonschema", []string{"tests",
			"--ignore=tests/test_jsonschema_test_suite.py"}, 2*time.Minute),
		// uncertainties wraps math functions by introspecting them and
		// overloads every operator; the numpy tests need numpy.
		debianPackage("debian:uncertainties", "python3-uncertainties", "uncertainties", []string{
			"test_umath.py", "test_uncertainties.py"}, 2*time.Minute),
	}
	// ecdsa's tests are hypothesis property tests (with deadlines) over
	// big-integer elliptic-curve code: a slower instrumented loop would
	// show as a DeadlineExceeded. The whole package is instrumented; the
	// four longest test modules (malformed signatures, the number theory
	// and pyecdsa suites, the lock's timing test) are left out for time.
	ecdsa := debianPackage("debian:ecdsa", "python3-ecdsa", "ecdsa",
		filesNamed("test_", "curves der ecdh ecdsa eddsa ellipticcurve jacobi keys sha3", ".py"), 3*time.Minute)
	ecdsa.debs = append(ecdsa.debs, "python3-hypothesis")
	ps = append(ps, ecdsa)
	// pint: units registries built by decorators and functools.wraps,
	// operator overloading, pickling of quantities, and babel-free
	// formatting; its matplotlib and numpy tests skip.
	ps = append(ps, debianPackage("debian:pint", "python3-pint", "pint", []string{"testsuite"}, 4*time.Minute))

	// More of CPython's suite: modules that run code by name or by file
	// (pkgutil, modulefinder, pyclbr, py_compile, zipapp), read
	// frames and tracebacks (linecache, code, cmd, profile, timeit),
	// unittest itself (regrtest runs on the copy it instruments), the
	// pure-Python abc, and asyncio's core (tasks, futures, locks, queues,
	// task groups, timeouts: coroutines and contextvars throughout).
	// runpy and zipimport are not here: the interpreter imports them
	// before it reads PYTHONPATH, so a copy is never loaded; nor numbers
	// and secrets, where the default planner finds nothing to instrument.
	for _, m := range []string{"linecache", "timeit", "cmd", "rlcompleter", "pkgutil",
		"pyclbr", "modulefinder", "copyreg", "shelve", "tabnanny", "zipapp", "py_compile",
		"smtplib", "mailbox", "wsgiref", "pstats", "symtable"} {
		ps = append(ps, stdlibModule(m, []string{"test_" + m}, 3*time.Minute))
	}
	// Modules deprecated in 3.11 warn when imported (warnings._deprecated
	// at module level, with a stacklevel that names the importer): their
	// tests check the warning and run the module with it silenced. And
	// zoneinfo's pure-Python implementation, dbm's fallback, getpass.
	for _, m := range strings.Fields("aifc asynchat asyncore cgi cgitb imghdr mailcap nntplib pipes " +
		"smtpd sunau telnetlib uu xdrlib zoneinfo dbm getpass") {
		ps = append(ps, stdlibModule(m, []string{"test_" + m}, 2*time.Minute))
	}
	for _, m := range []struct{ module, tests string }{
		{"unittest", "test_unittest"}, {"_py_abc", "test_abc"}, {"code", "test_code_module"},
		{"profile", "test_profile"},
		{"http", "test_http_cookies test_http_cookiejar"},
		{"asyncio", "test_asyncio.test_tasks test_asyncio.test_futures test_asyncio.test_locks " +
			"test_asyncio.test_queues test_asyncio.test_pep492 test_asyncio.test_taskgroups " +
			"test_asyncio.test_timeouts test_asyncio.test_context"},
	} {
		ps = append(ps, stdlibModule(m.module, strings.Fields(m.tests), 4*time.Minute))
	}

	return append(ps,
		// get-intrinsic is ljharb's: its tests check functions' names,
		// lengths and prototypes, and every intrinsic it reaches.
		tapePackage(npm, "get-intrinsic", time.Minute),
		// fast-json-stringify generates a serializer's source and compiles
		// it with new Function; @fastify/error builds Error subclasses
		// whose tests read err.stack, and runs a copy of its index.js
		// alone in another folder; process-warning emits warnings once;
		// fastify-plugin tags functions with symbols and checks their
		// names; json-schema-ref-resolver walks $ref graphs.
		// Its 64 test files take a minute a run, node's start-up mostly:
		// these 20 cover every kind of schema the generator compiles.
		nodeTestPackage(npm, "fast-json-stringify", 3*time.Minute,
			filesNamed("test/", fastJSONStringifyTests, ".test.js")...),
		nodeTestPackage(npm, "@fastify/error", time.Minute),
		nodeTestPackage(npm, "process-warning", time.Minute),
		nodeTestPackage(npm, "fastify-plugin", 2*time.Minute),
		nodeTestPackage(npm, "json-schema-ref-resolver", time.Minute),
		// Redux Toolkit (createSlice, createAsyncThunk, RTK Query's core:
		// generics and overloads everywhere) without its React bindings,
		// its @internal/ imports mapped as its repository maps them; the
		// cores of TanStack Form and TanStack Virtual. Each with the
		// strictest settings its original passes.
		tscProject(npm, "@reduxjs/toolkit", "", strictTSConfig(
			`"noImplicitReturns": true, "paths": {"@internal/*": ["./src/*"]},`,
			"**/tests/**", "**/react/**", "**/*.test.ts", "**/*.test-d.ts"), 5*time.Minute),
		tscProject(npm, "@tanstack/form-core", "", strictTSConfig(`"noImplicitReturns": true,`), 5*time.Minute),
		tscProject(npm, "@tanstack/virtual-core", "", strictTSConfig(
			`"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true,`), 5*time.Minute),
	)
}

// dillTests are dill's test modules that run under pytest on the
// original; the others (test_diff, test_objects, test_registered,
// test_session, test_module) error at collection in pytest's process.
const dillTests = "check classdef dataclasses detect dictviews extendpickle fglobals file functions functors " +
	"logger mixins nested recursive restricted selected source temp weakref properties moduledict pycapsule"

// fastJSONStringifyTests are the test files of fast-json-stringify the
// corpus runs: objects, arrays, unions and intersections, references,
// conditionals, formats and the generator's own code paths.
const fastJSONStringifyTests = "basic additionalProperties allof anyof oneof ref if-then-else date integer string " +
	"surrogate nullable defaults required patternProperties property-names schema-depth deopt " +
	"object-mechanism-native typesArray"

// filesNamed is prefix+name+suffix for each space-separated name.
func filesNamed(prefix, names, suffix string) []string {
	var files []string
	for _, n := range strings.Fields(names) {
		files = append(files, prefix+n+suffix)
	}
	return files
}

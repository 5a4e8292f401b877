package realcorpus

import (
	"strings"
	"time"
)

// widerPythonCorpus is the third round of Python projects, each chosen for
// a shape the corpus lacked; the comment on each says which. Every suite
// runs in seconds: big ones are cut to the test files that cover the
// shape.
func widerPythonCorpus() []project {
	ps := []project{
		// tornado: its own coroutine runner (gen.coroutine drives
		// generators), IOLoop over asyncio, a template compiler that
		// generates Python source, and option parsing by frame inspection.
		// iostream's and httpserver's tests fail on this machine (IPv6,
		// ssl) and take most of the suite's time.
		debianPackage("debian:tornado", "python3-tornado", "tornado", filesNamed("test/",
			"gen concurrent ioloop locks queues web template escape options util asyncio routing httputil", "_test.py"),
			2*time.Minute),
		// twisted: Deferreds, inlineCallbacks driving generators, Failure
		// objects that capture and clean frames, deprecation warnings whose
		// stacklevel names the caller, reflection by qualified name, and a
		// structured logger that reads its caller's frame. Of 840 modules,
		// all instrumented, the tests are the core's and twisted.python's.
		debianPackage("debian:twisted", "python3-twisted", "twisted", []string{
			"test/test_defer.py", "test/test_defgen.py", "test/test_task.py", "test/test_cooperator.py",
			"test/test_monkey.py", "test/test_context.py", "test/test_log.py", "test/test_reflect.py",
			"python/test", "logger/test"}, 3*time.Minute),
		// numpy's Python layer: array_function_dispatch wraps most public
		// functions and checks that a dispatcher's signature matches the
		// implementation's; test_overrides tests that protocol, the
		// others the functions it wraps.
		debianPackage("debian:numpy", "python3-numpy", "numpy", []string{
			"core/tests/test_overrides.py", "core/tests/test_numeric.py", "lib/tests/test_function_base.py",
			"lib/tests/test_shape_base.py", "lib/tests/test_index_tricks.py", "lib/tests/test_arraypad.py"}, 3*time.Minute),
		// zope.interface: a C extension with a pure-Python fallback,
		// interfaces built by a metaclass from class bodies, @implementer
		// and adapter registries keyed by declarations, and verification
		// that reads methods' signatures.
		debianPackage("debian:zope.interface", "python3-zope.interface", "zope/interface",
			[]string{"tests", "common/tests"}, 2*time.Minute),
		// zope.component: the component architecture on top of it, with
		// hooks that swap the site manager and adapter lookup by
		// decorators (@adapter, @implementer) on classes and functions.
		debianPackage("debian:zope.component", "python3-zope.component", "zope/component", []string{"tests"}, 2*time.Minute),
		// pyfakefs patches every module that imported os, io, shutil or
		// pathlib, by walking sys.modules and the modules' globals: names
		// a module gained show up there.
		debianPackage("debian:pyfakefs", "python3-pyfakefs", "pyfakefs", []string{"tests"}, 3*time.Minute),
		// traitlets: descriptors and a metaclass that collects them,
		// observers registered by decorators, dynamic defaults found by
		// method name (_x_default), and a config loader.
		debianPackage("debian:traitlets", "python3-traitlets", "traitlets", []string{"tests", "config/tests", "utils/tests"}, 2*time.Minute),
		// hyperlink: an immutable URL class with many small methods and
		// properties; its hypothesis tests take a minute and are left out.
		debianPackage("debian:hyperlink", "python3-hyperlink", "hyperlink", []string{"test",
			"--ignore=test/test_hypothesis.py"}, 2*time.Minute),
		// automat: state machines whose inputs and outputs are methods
		// turned into descriptors by decorators, and whose outputs are
		// checked against the input's signature.
		debianPackage("debian:automat", "python3-automat", "automat", []string{"_test"}, time.Minute),
		// isodate: regexp-driven parsers and a Duration type with
		// operator overloading against date and timedelta.
		debianPackage("debian:isodate", "python3-isodate", "isodate", []string{"tests"}, time.Minute),
		// numpydoc: a docstring parser and validator that reads functions'
		// __doc__, signatures and source lines with inspect.
		debianPackage("debian:numpydoc", "python3-numpydoc", "numpydoc", []string{"tests"}, 2*time.Minute),
		// psutil: a C extension behind a Python layer whose decorators
		// memoize and wrap OS errors; test_misc tests those decorators
		// (memoize, memoize_when_activated), __all__, the objects' repr,
		// equality and serialization, and runs its example scripts.
		debianPackage("debian:psutil", "python3-psutil", "psutil", []string{"tests/test_misc.py"}, 2*time.Minute),
	}
	// More of CPython's suite. _strptime's regexps are pure Python; _pyio
	// is the pure-Python io that test_memoryio, test_fileio and test_file
	// run next to the C one; tracemalloc reads the frames and line numbers
	// of allocations; lzma, bz2 and hashlib are Python layers over C;
	// poplib talks to a server on 127.0.0.1; cProfile, platform and
	// webbrowser run as scripts too. Debian's libpython3.11-testsuite has
	// no test_tomllib, test_sqlite3 or test_tty, ctypes' tests do not load
	// from a copy, ntpath is imported before PYTHONPATH is read, and
	// test_xmlrpc takes half a minute a run.
	for _, m := range strings.Fields("pickletools tracemalloc lzma bz2 hashlib platform " +
		"webbrowser sysconfig crypt sndhdr pty poplib") {
		ps = append(ps, stdlibModule(m, []string{"test_" + m}, 2*time.Minute))
	}
	for _, m := range []struct{ module, tests string }{
		{"_strptime", "test_strptime"}, {"_threading_local", "test_threading_local"},
		{"cProfile", "test_cprofile"}, {"_pyio", "test_memoryio test_fileio test_file test_univnewlines"},
	} {
		ps = append(ps, stdlibModule(m.module, strings.Fields(m.tests), 2*time.Minute))
	}
	// The debugger and tracer at --density high, where bdb's runcall and
	// trace's runfunc had a variable line after the sys.settrace call: the
	// tracer saw the runtime's call (27 of test_bdb's 33 tests failed).
	// And contextlib, whose test_contextlib_async compares the lines of
	// ExitStack's frames in a traceback to its source: a variable record
	// appended to "cb_suppress = await cb(*exc_details)" was part of the
	// line.
	for _, m := range []struct{ module, tests string }{
		{"bdb", "test_bdb"}, {"trace", "test_trace"}, {"contextlib", "test_contextlib test_contextlib_async"},
	} {
		p := stdlibModule(m.module, strings.Fields(m.tests), 2*time.Minute)
		p.name += "@high"
		p.flags = []string{"--density", "high"}
		ps = append(ps, p)
	}
	// automat at --density high: it requires the bodies of its input
	// methods to be empty by comparing their co_code with its own
	// _empty()'s, whose pass the high density instrumented
	// (test_inputFunctionsMustBeEmpty failed).
	automat := debianPackage("debian:automat", "python3-automat", "automat", []string{"_test"}, time.Minute)
	automat.name += "@high"
	automat.flags = []string{"--density", "high"}
	// scikit-learn at --density high, every file or none: impute/_knn.py
	// breaks a subscript after its "[" ("d[i][\n    :, j\n]") in a nested
	// function, and the with blocks of both functions moved the
	// continuation line left of its statement, which tree-sitter took for
	// a dedent, so the tool's own strip check left the file untouched.
	// test_knn tests that file; the others test the parameter validation
	// and deprecation decorators that wrap most public functions.
	sklearn := debianPackage("debian:sklearn", "python3-sklearn", "sklearn", []string{
		"impute/tests/test_knn.py", "utils/tests/test_param_validation.py", "utils/tests/test_deprecation.py",
		"utils/tests/test_metaestimators.py", "utils/tests/test_set_output.py"}, 2*time.Minute)
	sklearn.name += "@high"
	sklearn.flags = []string{"--density", "high"}
	sklearn.allOrNothing = true
	return append(ps, automat, sklearn)
}

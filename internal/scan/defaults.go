package scan

// DefaultExcludes are the gitignore-style patterns left out of a run unless
// the user asks otherwise (--no-default-excludes, or a "!pattern" of their
// own, which re-includes): tests, examples, documentation, fixtures,
// database migrations and vendored code. Telemetry there is noise in the
// traces users read, and a test suite that gains spans, runtime files and
// imports tests the instrumentation rather than the program.
func DefaultExcludes() []string {
	return []string{
		// Test folders and files, by the conventions of pytest, unittest,
		// Jest, Mocha, Vitest and Go.
		"test/", "tests/", "testing/", "__tests__/", "__mocks__/", "spec/", "specs/", "e2e/",
		"test_*.py", "*_test.py", "conftest.py",
		"*.test.js", "*.test.mjs", "*.test.cjs", "*.test.ts", "*.test.tsx", "*.test.jsx",
		"*.spec.js", "*.spec.mjs", "*.spec.cjs", "*.spec.ts", "*.spec.tsx", "*.spec.jsx",
		"*_test.go",
		// Examples, documentation and their build scripts.
		"example/", "examples/", "docs/", "doc/",
		// Fixtures and generated database migrations.
		"fixtures/", "__fixtures__/", "testdata/", "migrations/",
		// Code that belongs to someone else.
		"vendor/", "vendored/", "_vendor/", "third_party/", "third-party/", "external/",
	}
}

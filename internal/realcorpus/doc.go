// Package realcorpus holds the real-project corpus test: real projects with
// their own test suites and type-checks (Debian Python packages that ship
// their tests, CPython's own tests for copies of stdlib modules, npm
// packages), run on a pristine copy and again on a copy instrumented by the
// real telemetry-inject binary, which must give the same counts, and whose
// --remove must give back every byte.
//
// The package has no code outside its tests; this file only documents it.
package realcorpus

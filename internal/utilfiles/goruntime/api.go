package goruntime

import _telemetry_utils_context "context" // the runtime's own import, as it names it

// This file is the API of the shared runtime package: in a module, the
// tool writes zz_telemetry_utils.go and these declarations as one file
// into the package _telemetry_utils at the module's root, which every
// instrumented file of the module imports (see internal/lang/golang), so
// that all of them share one state: the spans open on each goroutine, the
// configuration and the exporter. The per-package copy of the runtime,
// which instrumented files outside a module use, leaves this part out and
// stays without an exported name. Its import is one the runtime has under
// the same name: its declarations are appended after the runtime's, less
// the import.

// Fn starts the span of an instrumented function (see _telemetry_utils_fn).
func Fn(c interface{}, name, file string, line int, record, values bool, kv ...interface{}) *_telemetry_utils_span {
	return _telemetry_utils_fn(c, name, file, line, record, values, kv...)
}

// FnCtx starts the span of an instrumented function with a context
// parameter of its own, given by address (see _telemetry_utils_fnc).
func FnCtx(p *_telemetry_utils_context.Context, name, file string, line int, record, values bool, kv ...interface{}) *_telemetry_utils_span {
	return _telemetry_utils_fnc(p, name, file, line, record, values, kv...)
}

// End ends the span; it is deferred by the instrumented function.
func (sp *_telemetry_utils_span) End() {
	if sp != nil {
		sp.ended(_telemetry_utils_panicking(), nil)
	}
}

// EndErr is End for a function whose last result, which p points to, is an
// error.
func (sp *_telemetry_utils_span) EndErr(p *error) {
	if sp != nil {
		sp.ended(_telemetry_utils_panicking(), p)
	}
}

// Loop adds a loop event to the current span and returns its counter.
func Loop(name, file string, line int) *_telemetry_utils_loopc {
	return _telemetry_utils_loop(name, file, line)
}

// Tick counts one iteration of the loop.
func (c *_telemetry_utils_loopc) Tick() { c.tick() }

// Var records the shapes of the variables ps points to.
func Var(key, file string, line int, ps ...interface{}) { _telemetry_utils_var(key, file, line, ps...) }

// Val records the variables ps points to with their values.
func Val(key, file string, line int, ps ...interface{}) { _telemetry_utils_val(key, file, line, ps...) }

// Mark records an event without value or shape.
func Mark(key, file string, line int) { _telemetry_utils_mark(key, file, line) }

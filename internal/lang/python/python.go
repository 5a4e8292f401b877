// Package python is the Python language support: it finds functions, loops
// and variable assignments with tree-sitter, renders the with blocks, loop
// and variable lines of docs/injected-code.md, strips them again byte for
// byte by their syntax, and validates instrumented output with a layout
// check of its own plus, when python3 is on PATH, CPython's compiler.
//
// A function's span is a with statement inside its own body, after the
// docstring, with the rest of the body re-indented by one unit inserted at
// the start of each logical line: no wrapper function and no decorator, so
// the function object every decorator receives is the one that runs, no
// frame is added to tracebacks or stack walks, pickling and introspection
// see the original function (testdata/behaviour checks all of it).
//
// Naming: a construct's QualName is the module's import path, found from
// the package roots on disk (the directories above the file holding an
// __init__.py; src/pkg/mod.py is pkg.mod, a script outside any package is
// its stem), followed by the enclosing classes and functions, dot-separated.
// Nested functions are named outer.inner rather than CPython's
// outer.<locals>.inner, because span names must match
// ^[A-Za-z_][A-Za-z0-9_.:-]*$ and "<" is not allowed there.
//
// A function span's line number is the line of its first decorator, the
// one CPython reports as the function's first line (co_firstlineno).
//
// A variable construct is an assignment statement on a line of its own in
// a function body (simple, chained, annotated with a value, augmented, or
// destructuring plain names); when it binds several names, the call records
// them as one tuple, "(a, b)", and Name is the first.
//
// The import always binds all six runtime names, whichever the file uses:
// Import is asked for its edit independently of Render, the runtime
// defines all six, an unused name costs nothing at import, and one fixed
// statement keeps a second run byte-identical to the first.
//
// Lines move as little as possible: the import, a variable record and a
// loop's tick are appended to (or put in front of) a statement on a line
// the file already has, "; "-separated, wherever that line can take them;
// only with lines, loop lines and the pieces no line can take are lines of
// their own (see docs/injected-code.md).
package python

import (
	"bytes"
	"context"
	"os/exec"
	"runtime"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// Options configures the Python language.
type Options struct {
	// Python is the python3 executable Validate compiles with; "" looks
	// python3 up on PATH. When none is found, Validate relies on the
	// tree-sitter parse and the layout check alone.
	Python string
	// NoCompile turns the compiler check off even when python3 is found.
	NoCompile bool
	// Compilers is the most python3 processes Validate keeps running at
	// once; 0 means one per CPU, at most 4.
	Compilers int
}

// language holds what one Language value shares between its functions.
type language struct {
	parser   *treesitter.Parser
	ids      *fieldIDs
	compiler *compilerPool // nil when there is no python3 to compile with
	spans    spanLog

	closeOnce sync.Once
}

// New returns the Python Language. Close it to stop its python3 processes.
func New(opts Options) lang.Language {
	l := &language{parser: treesitter.NewParser(treesitter.Python, runtime.GOMAXPROCS(0))}
	l.ids = newFieldIDs(l.parser)
	if !opts.NoCompile {
		exe := opts.Python
		if exe == "" {
			exe, _ = exec.LookPath("python3")
		}
		if exe != "" {
			n := opts.Compilers
			if n <= 0 {
				n = min(runtime.GOMAXPROCS(0), 4)
			}
			l.compiler = newCompilerPool(exe, n)
		}
	}
	runtime := utilfiles.Python()
	return lang.Language{
		Name:       source.Python,
		Title:      "Python",
		Extensions: []string{".py"},
		// The runtime is _telemetry_utils.py; any _telemetry_utils.*
		// file is the tool's, whatever language it is written in.
		RuntimePrefixes: []string{lang.RuntimeFilePrefix},
		RuntimeNames:    []string{runtimeFile},
		RuntimeMarker:   lang.RuntimeModule,
		RuntimeBodies:   [][]byte{runtime},
		LineComment:     "#",
		Place:           place(string(runtime)),
		Compiled:        compiledRuntime,
		Find:            l.find,
		Render:          l.render,
		Import:          l.importEdit,
		Strip:           l.strip,
		Validate:        l.validate,
		ValidateStrip:   l.validateStrip,
		Close:           l.close,
	}
}

// validate checks instrumented output: first the layout check (which
// catches the indentation errors tree-sitter accepts), then CPython's own
// compiler when there is one, or else a clean tree-sitter parse. The parse
// is skipped when the compiler answers, because the compiler is the
// authority and the parse would only repeat it at the same cost.
func (l *language) validate(ctx context.Context, f *source.File, out []byte) error {
	compiled, err := l.judge(ctx, f, out)
	if err != nil || compiled {
		return err
	}
	tree, err := l.parser.Parse(ctx, out)
	if err != nil {
		return err
	}
	defer tree.Close()
	return treesitter.SyntaxError(tree.RootNode(), out)
}

// validateStrip is validate followed by strip, sharing the one parse of out
// that strip needs: with the compiler off, that parse is also validate's.
func (l *language) validateStrip(ctx context.Context, f *source.File, out []byte) (back []byte, stripErr, invalid error) {
	compiled, err := l.judge(ctx, f, out)
	if err != nil {
		return nil, nil, err
	}
	if compiled && !bytes.Contains(out, []byte(runtimePrefix)) {
		// Validated, and nothing for strip to find: no parse needed.
		return out, nil, nil
	}
	tree, err := l.parser.Parse(ctx, out)
	if err != nil {
		if compiled {
			// Validated: the parse failed for strip alone.
			return out, err, nil
		}
		return nil, nil, err
	}
	defer tree.Close()
	if !compiled {
		if err := treesitter.SyntaxError(tree.RootNode(), out); err != nil {
			return nil, nil, err
		}
	}
	back, _, stripErr = l.stripTree(tree, out)
	return back, stripErr, nil
}

// judge runs the layout check and then, when there is one, CPython's
// compiler, and reports whether the compiler accepted out. A compiler
// that rejects the original as well (a file written for a newer Python
// than the python3 on PATH) cannot judge: judge then returns no error and
// compiled false, and the tree-sitter parse has the last word.
func (l *language) judge(ctx context.Context, f *source.File, out []byte) (compiled bool, err error) {
	if err := CheckLayout(out); err != nil {
		return false, err
	}
	if l.compiler == nil {
		return false, nil
	}
	err = l.compiler.compile(ctx, f.Path, out)
	if err == nil {
		return true, nil
	}
	if ctx.Err() != nil || l.compiler.compile(ctx, f.Path, f.Src) == nil {
		return false, err
	}
	return false, nil
}

func (l *language) close() error {
	var err error
	l.closeOnce.Do(func() {
		l.parser.Close()
		if l.compiler != nil {
			err = l.compiler.close()
		}
	})
	return err
}

package cli

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, documented in the README.
const (
	ExitOK          = 0   // everything asked for was done
	ExitError       = 1   // the run could not be done (bad path, authentication, I/O)
	ExitWouldChange = 1   // --check: some files are not instrumented as configured
	ExitUsage       = 2   // the command line was wrong
	ExitIncomplete  = 3   // the run finished, but some files failed or changed during the run and were left untouched
	ExitInterrupted = 130 // Ctrl-C: finished files stay written, the rest untouched
)

// FlagError is a command-line mistake; it is printed with a hint to --help.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// errIncomplete reports that the run ended but some files failed; the
// summary already said which, so nothing more is printed.
var errIncomplete = errors.New("some files could not be instrumented")

// errWouldChange reports that --check found files a run would change; the
// list is already printed.
var errWouldChange = errors.New("files would change")

// interruptedError is a run stopped by Ctrl-C (or SIGTERM), with what it
// leaves behind, so the user knows the state of their tree without reading
// Go's "context canceled".
type interruptedError struct {
	written, untouched int
	err                error
}

func (e *interruptedError) Error() string {
	if e.written+e.untouched == 0 {
		return "interrupted before any file was written"
	}
	return fmt.Sprintf("interrupted: %d files written, %d untouched (run again to finish)", e.written, e.untouched)
}

func (e *interruptedError) Unwrap() error { return e.err }

// exitCode maps an error to the process's exit code, in this one place.
func exitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &fe):
		return ExitUsage
	case errors.Is(err, errIncomplete):
		return ExitIncomplete
	case errors.Is(err, errWouldChange):
		return ExitWouldChange
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	default:
		return ExitError
	}
}

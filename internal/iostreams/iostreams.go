// Package iostreams carries the program's standard streams and what is known
// about them (is this a terminal?), so every piece of terminal output goes
// through an injected writer and tests can read it back.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams holds the standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	width                 int
}

// System returns the process's own streams, with terminal detection.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.inTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.outTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.errTTY = term.IsTerminal(int(os.Stderr.Fd()))
	if s.errTTY {
		if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil {
			s.width = w
		}
	}
	return s
}

// Test returns streams backed by buffers, none of them a terminal, and the
// buffers for the test to read.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether In is a terminal, so a question can be asked.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// SetStdinTTY overrides terminal detection for In, for tests of prompts.
func (s *IOStreams) SetStdinTTY(v bool) { s.inTTY = v }

// IsStdoutTTY reports whether Out is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether ErrOut is a terminal; progress bars are drawn
// only then.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// SetStderrTTY overrides terminal detection for ErrOut, for tests of the
// terminal rendering.
func (s *IOStreams) SetStderrTTY(v bool) { s.errTTY = v }

// TerminalWidth is ErrOut's width in columns, or 80 when unknown.
func (s *IOStreams) TerminalWidth() int {
	if s.width > 0 {
		return s.width
	}
	return 80
}

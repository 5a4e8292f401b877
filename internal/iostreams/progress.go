package iostreams

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress reports how far a long task has come. A terminal gets a bar that
// redraws in place; anything else gets plain lines, and only when verbose,
// so logs and CI output stay readable.
type Progress interface {
	// Add records n more units done.
	Add(n int)
	// Describe changes the bar's description (the task's current phase).
	Describe(text string)
	// Finish completes the bar or prints the last plain line.
	Finish()
}

// NewProgress starts progress reporting for total units on ErrOut.
func (s *IOStreams) NewProgress(total int, label string, verbose bool) Progress {
	if s.errTTY {
		bar := progressbar.NewOptions(total,
			progressbar.OptionSetWriter(s.ErrOut),
			progressbar.OptionSetDescription(label),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			// Leave the finished bar on screen, then end its line, so the
			// summary that follows starts on a line of its own.
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(s.ErrOut) }),
		)
		return &barProgress{bar: bar}
	}
	if !verbose {
		return nopProgress{}
	}
	return &lineProgress{w: s.ErrOut, total: total, label: label, every: lineStep(total)}
}

// lineStep picks how often plain progress lines are printed: every item for
// small runs, about every 5% for large ones, so a log gets at most ~20 lines
// plus the last.
func lineStep(total int) int {
	if total <= 50 {
		return 1
	}
	return total / 20
}

type barProgress struct{ bar *progressbar.ProgressBar }

func (p *barProgress) Add(n int)            { _ = p.bar.Add(n) }
func (p *barProgress) Describe(text string) { p.bar.Describe(text) }
func (p *barProgress) Finish()              { _ = p.bar.Finish() }

type lineProgress struct {
	mu                sync.Mutex
	w                 io.Writer
	label             string
	done, total, last int
	every             int
}

func (p *lineProgress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.done-p.last >= p.every || p.done == p.total {
		p.last = p.done
		fmt.Fprintf(p.w, "%s: completed %d/%d\n", p.label, p.done, p.total)
	}
}

func (p *lineProgress) Describe(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label = text
}

func (p *lineProgress) Finish() {}

type nopProgress struct{}

func (nopProgress) Add(int)         {}
func (nopProgress) Describe(string) {}
func (nopProgress) Finish()         {}

package iostreams

import (
	"strings"
	"testing"
)

func TestPlainProgressLinesOnlyWhenVerbose(t *testing.T) {
	s, _, _, errOut := Test()
	p := s.NewProgress(3, "requests", false)
	p.Add(3)
	p.Finish()
	if errOut.Len() != 0 {
		t.Fatalf("quiet progress printed %q", errOut.String())
	}

	p = s.NewProgress(3, "requests", true)
	for i := 0; i < 3; i++ {
		p.Add(1)
	}
	p.Finish()
	want := "requests: completed 1/3\nrequests: completed 2/3\nrequests: completed 3/3\n"
	if errOut.String() != want {
		t.Fatalf("got %q, want %q", errOut.String(), want)
	}
}

func TestPlainProgressThinsLargeRuns(t *testing.T) {
	s, _, _, errOut := Test()
	p := s.NewProgress(1000, "requests", true)
	for i := 0; i < 1000; i++ {
		p.Add(1)
	}
	lines := strings.Count(errOut.String(), "\n")
	if lines < 20 || lines > 21 {
		t.Fatalf("printed %d lines for 1000 items, want about 20", lines)
	}
	if !strings.HasSuffix(errOut.String(), "completed 1000/1000\n") {
		t.Fatalf("last line is not the total: %q", errOut.String())
	}
}

func TestTerminalGetsABar(t *testing.T) {
	s, _, _, errOut := Test()
	s.SetStderrTTY(true)
	p := s.NewProgress(10, "requests", false)
	p.Add(10)
	p.Finish()
	if !strings.Contains(errOut.String(), "requests") {
		t.Fatalf("bar did not draw its label: %q", errOut.String())
	}
}

package scan

import (
	"bytes"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// DefaultMaxSize is the largest file Walk reads when Options.MaxSize is
// zero. Bigger source files are nearly always generated (bundles, vendored
// parsers, data tables) and would cost thousands of LLM requests each.
const DefaultMaxSize = 4 << 20

// Minified-bundle heuristic, for the languages whose Minifiable is set: a
// file of at least minifiedMinSize bytes whose average line is longer than
// minifiedAvgLine bytes. Hand written code averages 30-40 bytes a line;
// bundlers emit lines of many kilobytes.
const (
	minifiedMinSize = 2048
	minifiedAvgLine = 300
)

// skippedDir reports whether a folder name is never entered, at any depth
// below the root: version control, dependencies, virtual environments,
// build output and our own state folder.
func skippedDir(name string) bool {
	switch name {
	case ".git", ".hg", ".svn",
		"node_modules", "bower_components",
		".venv", "venv", ".tox", ".nox", "site-packages", "__pycache__",
		"dist", "build",
		".telemetry-inject":
		return true
	}
	return false
}

// importsRuntime reports whether a file holds marker, the language's
// Language.RuntimeMarker, near its top, where the import of every file we
// instrumented stands (after at most a docstring, comments, future imports
// or a directive prologue). A false positive only lifts the size limit for
// that file.
func importsRuntime(name, marker string) bool {
	if marker == "" {
		return false
	}
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, runtimeImportWindow)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte(marker))
}

// holdsMarker is importsRuntime for a file already read.
func holdsMarker(src []byte, marker string) bool {
	return marker != "" && bytes.Contains(src[:min(len(src), runtimeImportWindow)], []byte(marker))
}

// runtimeImportWindow is how far into a large file importsRuntime looks.
const runtimeImportWindow = 1 << 20

// SkippedDir reports whether the scan never enters folders of this name
// (version control, dependencies, build output, our state folder).
func SkippedDir(name string) bool { return skippedDir(name) }

// nameSkip says why a file of language l is skipped from its name alone,
// or "".
func nameSkip(l *Language, name string) string {
	switch {
	case l.declaration(name):
		return "type declaration file"
	case strings.Contains(strings.ToLower(name), ".min."):
		return "minified bundle"
	}
	return ""
}

// contentSkip says why a file's content is not source we can instrument,
// or "".
func contentSkip(src []byte, minifiable bool) string {
	if bytes.IndexByte(src, 0) >= 0 {
		return "binary file (contains NUL bytes)"
	}
	if !utf8.Valid(src) {
		return "not UTF-8 text"
	}
	if minifiable && len(src) >= minifiedMinSize {
		lines := bytes.Count(src, []byte{'\n'}) + 1
		if len(src)/lines > minifiedAvgLine {
			return "minified bundle (average line too long)"
		}
	}
	return ""
}

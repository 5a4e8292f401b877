package python

import (
	"bytes"
	"strings"
	"unicode"
)

// isOurImport reports whether an import is the runtime's: from a module
// named _telemetry_utils (relative or not), names that are all runtime
// names of one generation.
func (s *stripper) isOurImport(n *node) bool {
	mod := n.NamedChild(0)
	if mod == nil || !(strings.TrimLeft(s.text(mod), ".") == "_telemetry_utils" || strings.HasSuffix(s.text(mod), "._telemetry_utils")) {
		return false
	}
	for _, g := range generations {
		names := 0
		for i := uint(1); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			if c.Kind() == "comment" {
				continue
			}
			if name := s.text(c); name != g.span && !g.isCall(name) {
				names = -1
				break
			}
			names++
		}
		if names > 0 {
			return true
		}
	}
	return false
}

// isOurScriptImport reports whether a try statement is the import of a
// module that also runs as a script as earlier versions wrote it
// (oldScriptImport): the same tokens, less
// what black changes (it puts each statement on a line of its own, the
// import's names in parentheses with a trailing comma, and moves or drops
// marker comments).
func (s *stripper) isOurScriptImport(n *node) bool {
	for _, g := range generations {
		if squeeze(s.text(n)) == squeeze(strings.Join(g.oldScriptImport(), "\n")) {
			return true
		}
	}
	return false
}

// isOurFolderImport reports whether an if statement is the import of a
// module in the runtime's folder as earlier versions wrote it
// (oldFolderImport), as isOurScriptImport.
func (s *stripper) isOurFolderImport(n *node) bool {
	for _, g := range generations {
		if squeeze(s.text(n)) == squeeze(strings.Join(g.oldFolderImport(), "\n")) {
			return true
		}
	}
	return false
}

// squeeze drops every marker comment and coverage pragma, whitespace
// character, parenthesis, comma and semicolon.
func squeeze(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("(),;", r) {
			return -1
		}
		return r
	}, strings.NewReplacer(markerComment, "", noBranchComment, "", noCoverComment, "").Replace(code))
}

// isOurImportLine reports whether an expression statement is the one-line
// runtime import of a module in the runtime's folder (folderLine,
// scriptLine or oldScriptLine) or of a package's module (scriptLineAt,
// or oldScriptLineAt from the previous version), compared as
// isOurScriptImport compares: black wraps it over several lines in
// parentheses with trailing commas.
func (s *stripper) isOurImportLine(n *node) bool {
	if n.NamedChildCount() != 1 || n.NamedChild(0).Kind() != "assignment" {
		return false
	}
	code := squeeze(s.text(n))
	if code == squeeze(current.folderLine()) || code == squeeze(current.oldScriptLine()) {
		return true
	}
	for level := 1; level <= maxScriptLevel; level++ {
		if code == squeeze(current.scriptLineAt(level)) || code == squeeze(current.oldScriptLineAt(level)) {
			return true
		}
	}
	return false
}

// cutImport removes the runtime import n: its whole lines where it stands
// alone (a line of its own, or black's split of the line it was appended
// to), or else what importEdit appended to a line (see cutAppended).
func (s *stripper) cutImport(n *node) {
	if s.aloneOnLine(n) {
		s.cutStatement(n)
		return
	}
	s.cutAppended(n)
}

// cutAppended removes a statement Render appended to a line: from the end
// of the code before the semicolon to the end of the marker comment (or
// of the statement, where the marker is gone), which gives back the
// original line byte for byte. It fails, and reports false, where the
// statement shares its line in a way the tool never writes.
func (s *stripper) cutAppended(n *node) bool {
	start, end := int(n.StartByte()), int(n.EndByte())
	ls := lineStart(s.src, start)
	before := bytes.TrimRight(s.src[ls:start], " \t\f")
	code := bytes.TrimRight(bytes.TrimSuffix(before, []byte(";")), " \t\f")
	rest := s.src[end:lineEnd(s.src, end)]
	after := bytes.TrimLeft(rest, " \t\f")
	// A lookup carries a coverage pragma before its marker (see
	// coveragePragma); an earlier version wrote the marker alone.
	lookup := bytes.TrimPrefix(bytes.TrimPrefix(after, []byte(noBranchComment)), []byte(noCoverComment))
	if lookup = bytes.TrimLeft(lookup, " \t\f"); bytes.HasPrefix(lookup, []byte(markerComment)) {
		after = lookup[len(markerComment):]
		end += len(rest) - len(after)
	}
	after = bytes.TrimSpace(after)
	if len(code) == len(before) || len(bytes.TrimLeft(code, " \t\f")) == 0 || (len(after) != 0 && after[0] != '#') {
		s.fail(start, "injected code shares its line with other code in a way the tool never writes: remove it by hand")
		return false
	}
	s.cuts = append(s.cuts, [2]int{ls + len(code), end})
	return true
}

package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// A package.json "files" list or an .npmignore decides what `npm pack` and
// `npm publish` ship; a runtime file they leave out makes the published
// package require a file it does not contain. Ship edits whichever of the
// two governs so that the runtime ships, and Unship takes exactly that
// edit out again when the runtime is removed:
//
//   - "files": the runtime's path relative to the package root is added as
//     the last entry. An entry naming a runtime file is ours by its name
//     (_telemetry_utils.js and its .mjs/.cjs kin are reserved for the
//     runtime), so Unship removes it when the runtime goes.
//   - .npmignore (no "files"): two lines are appended, a comment that marks
//     them and a negation that re-includes the runtime:
//     "# telemetry-inject: keep its runtime in the published package" and
//     "!/_telemetry_utils.js". When the file did not end with a line break,
//     the comment says so ("... (line break added)") and Unship takes that
//     break out too.
//
// A .gitignore, which npm reads only when there is no .npmignore, is not
// looked at.

// Names of the files Ship edits.
const (
	PackageJSON = "package.json"
	NpmIgnore   = ".npmignore"
)

// The comment lines that mark an .npmignore edit.
const (
	npmignoreMark      = "# telemetry-inject: keep its runtime in the published package"
	npmignoreMarkBreak = npmignoreMark + " (line break added)"
)

// ShipEdit is a change to one file of a package.
type ShipEdit struct {
	// File is PackageJSON or NpmIgnore, relative to the package root.
	File string
	// Content is the file's new content.
	Content []byte
}

// Ship returns the edit that makes npm publish the runtime at rel (a path
// relative to the package root, forward slashes), given the package's
// package.json and its .npmignore (nil when there is none). ok is false
// when the runtime ships as it is.
func Ship(pkgJSON, npmignore []byte, rel string) (ShipEdit, bool, error) {
	files, found, err := filesList(pkgJSON)
	if err != nil {
		return ShipEdit{}, false, err
	}
	if found {
		if filesInclude(files.entries, rel) {
			return ShipEdit{}, false, nil
		}
		return ShipEdit{File: PackageJSON, Content: files.add(pkgJSON, rel)}, true, nil
	}
	if npmignore == nil || !ignored(npmignore, rel) {
		return ShipEdit{}, false, nil
	}
	eol := "\n"
	if bytes.Contains(npmignore, []byte("\r\n")) {
		eol = "\r\n"
	}
	out := append([]byte(nil), npmignore...)
	mark := npmignoreMark
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, eol...)
		mark = npmignoreMarkBreak
	}
	out = append(out, mark+eol+"!/"+rel+eol...)
	return ShipEdit{File: NpmIgnore, Content: out}, true, nil
}

// Unship takes out of content (the package's file named file) what Ship
// added for the runtime at rel, and reports whether it found it.
func Unship(file string, content []byte, rel string) ([]byte, bool, error) {
	switch file {
	case PackageJSON:
		files, found, err := filesList(content)
		if err != nil || !found {
			return content, false, err
		}
		return files.remove(content, rel)
	case NpmIgnore:
		for _, eol := range []string{"\r\n", "\n"} {
			for _, mark := range []string{npmignoreMarkBreak, npmignoreMark} {
				block := mark + eol + "!/" + rel + eol
				i := bytes.Index(content, []byte(block))
				if i < 0 || i > 0 && content[i-1] != '\n' {
					continue
				}
				start := i
				if mark == npmignoreMarkBreak && i+len(block) == len(content) {
					start -= len(eol)
				}
				out := append(append([]byte(nil), content[:start]...), content[i+len(block):]...)
				return out, true, nil
			}
		}
		return content, false, nil
	}
	return content, false, fmt.Errorf("unship: unknown file %q", file)
}

// files is a package.json "files" array: its entries and where its
// closing bracket is.
type files struct {
	entries []entry
	close   int // offset of the closing ]
	open    int // offset of the opening [
}

type entry struct {
	value      string
	start, end int // the string token's bytes
}

// filesList finds the top-level "files" array of a package.json.
func filesList(pkgJSON []byte) (files, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(pkgJSON))
	fail := func(err error) (files, bool, error) {
		return files{}, false, fmt.Errorf("reading package.json to see what npm publishes: %w", err)
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fail(errors.New("not a JSON object"))
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if key != "files" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
			continue
		}
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fail(errors.New(`"files" is not an array`))
		}
		f := files{open: int(dec.InputOffset()) - 1}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return fail(err)
			}
			s, ok := tok.(string)
			if !ok {
				return fail(errors.New(`"files" holds something other than strings`))
			}
			end := int(dec.InputOffset())
			start := bytes.LastIndexByte(pkgJSON[:end-1], '"')
			for start > 0 && isEscaped(pkgJSON, start) {
				start = bytes.LastIndexByte(pkgJSON[:start], '"')
			}
			f.entries = append(f.entries, entry{value: s, start: start, end: end})
		}
		if _, err := dec.Token(); err != nil && err != io.EOF {
			return fail(err)
		}
		f.close = int(dec.InputOffset()) - 1
		return f, true, nil
	}
	return files{}, false, nil
}

// isEscaped reports whether the quote at i is escaped by a backslash.
func isEscaped(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// add inserts rel as the last entry, in the array's own layout: on a line
// of its own with the last entry's indentation when entries are one a
// line, else after ", ".
func (f files) add(src []byte, rel string) []byte {
	q, _ := json.Marshal(rel)
	var ins string
	at := f.close
	if len(f.entries) == 0 {
		ins = string(q)
		at = f.open + 1
	} else {
		last := f.entries[len(f.entries)-1]
		at = last.end
		if gap := src[last.end:f.close]; bytes.ContainsRune(gap, '\n') {
			ls := bytes.LastIndexByte(src[:last.start], '\n') + 1
			eol := "\n"
			if bytes.Contains(gap, []byte("\r\n")) {
				eol = "\r\n"
			}
			ins = "," + eol + string(src[ls:last.start]) + string(q)
		} else {
			ins = ", " + string(q)
		}
	}
	out := make([]byte, 0, len(src)+len(ins))
	out = append(out, src[:at]...)
	out = append(out, ins...)
	return append(out, src[at:]...)
}

// remove takes the entry rel out with the separator add put before it.
func (f files) remove(src []byte, rel string) ([]byte, bool, error) {
	for i, e := range f.entries {
		if e.value != rel {
			continue
		}
		start, end := e.start, e.end
		if i > 0 {
			start = f.entries[i-1].end // the comma and line break add wrote
		} else if len(f.entries) > 1 {
			end = f.entries[1].start
		}
		out := append(append([]byte(nil), src[:start]...), src[end:]...)
		return out, true, nil
	}
	return src, false, nil
}

// filesInclude reports whether npm's "files" entries include rel: an
// entry naming it or a folder above it, or a glob matching it or a folder
// above it; a later "!" entry can exclude it again.
func filesInclude(entries []entry, rel string) bool {
	in := false
	for _, e := range entries {
		pat, neg := strings.CutPrefix(e.value, "!")
		if matchesPath(pat, rel) {
			in = !neg
		}
	}
	return in
}

// ignored reports whether an .npmignore (gitignore syntax) leaves rel out.
func ignored(npmignore []byte, rel string) bool {
	out := false
	for _, line := range strings.Split(string(npmignore), "\n") {
		line = strings.TrimRight(line, " \r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pat, neg := strings.CutPrefix(line, "!")
		if matchesPath(pat, rel) {
			out = !neg
		}
	}
	return out
}

// matchesPath matches a files entry or ignore pattern against rel or any
// folder above it. A pattern without an inner slash matches a name at any
// depth; a leading "/" or "./" anchors it at the package root.
func matchesPath(pat, rel string) bool {
	pat = strings.TrimPrefix(pat, "./")
	anchored := strings.HasPrefix(pat, "/") || strings.Contains(strings.TrimSuffix(pat, "/"), "/")
	pat = strings.TrimPrefix(pat, "/")
	pat = strings.TrimSuffix(pat, "/")
	pat = strings.TrimSuffix(pat, "/**")
	pat = strings.TrimPrefix(pat, "**/")
	if pat == "" || pat == "**" || pat == "." || pat == "*" && !anchored {
		return true // the package root, or everything
	}
	for p := rel; p != "." && p != ""; p = path.Dir(p) {
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
		if !anchored {
			if ok, _ := path.Match(pat, path.Base(p)); ok {
				return true
			}
		}
	}
	return false
}

package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
)

// runtimeFormat is the version of the runtime file's header line; raise
// it if the line's meaning ever changes.
const runtimeFormat = 1

// runtimeHeader is the first line of every runtime file we write: the
// format version and the SHA-256 of everything after the line. A file is
// ours only if the checksum matches, so a user's own _telemetry_utils.py,
// even one that mentions telemetry-inject, or our file after the user
// edited it, is never overwritten or deleted.
var runtimeHeader = regexp.MustCompile(`^(?:#|//) telemetry-inject runtime (\d+) sha256:([0-9a-f]{64})[^\n]*\n`)

// stampRuntime puts the header line on a runtime file's body, as a
// comment of the language's (lang.Language.LineComment).
func stampRuntime(comment string, body []byte) []byte {
	sum := sha256.Sum256(body)
	head := fmt.Sprintf("%s telemetry-inject runtime %d sha256:%s (generated; this line marks the file as the tool's own)\n", comment, runtimeFormat, hex.EncodeToString(sum[:]))
	return append([]byte(head), body...)
}

// ownRuntime reports whether b is a runtime file we wrote, unmodified.
func ownRuntime(b []byte) bool {
	m := runtimeHeader.FindSubmatchIndex(b)
	if m == nil {
		return false
	}
	sum := sha256.Sum256(b[m[1]:])
	return string(b[m[4]:m[5]]) == hex.EncodeToString(sum[:])
}

// changedRuntime reports whether b carries our header line but not the
// content it was written with: a formatter run over the whole tree
// (prettier, which knows no file-wide ignore comment) or an edit.
func changedRuntime(b []byte) bool {
	return runtimeHeader.Match(b) && !ownRuntime(b)
}

// changedRuntimeAdvice is what to do about such a file, at path rel.
func changedRuntimeAdvice(rel string) string {
	return fmt.Sprintf("telemetry-inject's runtime file, changed since it was written (by a formatter such as prettier, or by hand), so it is left alone: if you did not edit it, delete it and run again, and keep it out of the formatter (for prettier, add %s to .prettierignore)", filepath.ToSlash(rel))
}

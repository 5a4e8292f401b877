package decide

import "strings"

// maxNameLen is the longest name the pattern allows.
const maxNameLen = 128

// SanitizeName turns any string into a valid name (see ValidName): a
// path's slashes become dots, as in a module path ("express/lib/router"
// reads "express.lib.router"; a slash after a space or at the start goes,
// so "GET /users" reads "GET_users"), a leading "@" of an npm scope goes,
// other characters outside [A-Za-z0-9_.:-] become "_" (runs of them one "_"), a
// name that does not start with a letter or "_" gets a "_" in front, and a
// name longer than 128 bytes keeps its last 128, the most specific part of
// a dotted qualified name. An empty result becomes fallback, itself
// sanitised, or "unnamed".
func SanitizeName(s, fallback string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	var b strings.Builder
	lastBad := false
	for _, r := range s {
		if r == '/' {
			if b.Len() > 0 && !lastBad {
				b.WriteByte('.')
			}
			continue
		}
		if r < 0x80 && (r == '_' || r == '.' || r == ':' || r == '-' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			b.WriteRune(r)
			lastBad = false
			continue
		}
		if !lastBad {
			b.WriteByte('_')
		}
		lastBad = true
	}
	out := b.String()
	if out == "" {
		if fallback != "" && fallback != s {
			return SanitizeName(fallback, "")
		}
		return "unnamed"
	}
	if len(out) > maxNameLen {
		out = out[len(out)-maxNameLen:]
	}
	if c := out[0]; !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		if len(out) >= maxNameLen {
			out = out[len(out)-(maxNameLen-1):]
		}
		out = "_" + out
	}
	return out
}

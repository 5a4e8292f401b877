package python

import (
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// functionTraits records on function c what planners weigh about it (see
// source.Construct's Accessor and the fields after it), from its
// decorators, which lie between its start and Anchor.Before (the def
// line).
func functionTraits(src []byte, c *source.Construct) {
	c.Declared = true
	c.Protocol = protocol(c.Name)
	if c.Anchor.Before <= c.Range.Start || c.Anchor.Before > c.Range.End {
		return
	}
	deco := string(src[c.Range.Start:c.Anchor.Before])
	c.Accessor = strings.Contains(deco, "@property") || strings.Contains(deco, "cached_property") ||
		strings.Contains(deco, ".setter") || strings.Contains(deco, ".getter") || strings.Contains(deco, ".deleter")
	for _, line := range strings.Split(deco, "\n") {
		t := strings.TrimSpace(line)
		// functools.wraps only wraps: a nested def under it is plumbing.
		if strings.HasPrefix(t, "@") && !strings.HasPrefix(t, "@wraps") && !strings.HasPrefix(t, "@functools.wraps") {
			c.Registered = true
			break
		}
	}
}

// protocol says why Python calls a method of this name implicitly and
// often, or "": dunder methods, but the few that do real work once.
func protocol(name string) string {
	if len(name) <= 4 || !strings.HasPrefix(name, "__") || !strings.HasSuffix(name, "__") {
		return ""
	}
	switch name {
	case "__init__", "__new__", "__call__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__post_init__":
		return ""
	}
	return "protocol method " + name + " runs implicitly and often"
}

// opensWithDocstring reports whether a function body's first statement is
// its docstring.
func opensWithDocstring(body *node) bool {
	for i := uint(0); i < body.NamedChildCount(); i++ {
		if s := body.NamedChild(i); s.Kind() != "comment" {
			return isDocstring(s)
		}
	}
	return false
}

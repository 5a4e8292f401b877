package javascript

import (
	"regexp"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// accessorHead matches a getter or setter's head.
var accessorHead = regexp.MustCompile(`^(get|set)\s+[\p{L}_$#\[]`)

// functionTraits records on function c what planners weigh about it: a
// getter or setter runs on attribute reads, and conversion and
// Symbol-keyed methods run when the language calls them.
func functionTraits(src []byte, c *source.Construct) {
	// The head is enough: a whole function's text can be megabytes.
	head := string(src[c.Range.Start:min(c.Range.End, c.Range.Start+80)])
	c.Accessor = accessorHead.MatchString(strings.TrimPrefix(strings.TrimSpace(head), "static "))
	switch name := c.Name; {
	case name == "toString" || name == "valueOf" || name == "toJSON":
		c.Protocol = "conversion method " + name + " runs implicitly and often"
	case strings.HasPrefix(name, "[") || strings.Contains(name, "Symbol."):
		c.Protocol = "Symbol-keyed method runs implicitly"
	}
}

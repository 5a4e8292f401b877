package python

import (
	"context"
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// fieldIDs are the grammar's numeric ids of the fields the finder reads.
// Asking a node for a field by name costs a C string allocation per call,
// which showed as a sixth of Find's time; by id it costs nothing extra.
type fieldIDs struct {
	alias, arguments, attribute, body, definition, function uint16
	left, name, object, parameters, right, value            uint16
}

// newFieldIDs looks the ids up once, in the grammar p parses with.
func newFieldIDs(p *treesitter.Parser) *fieldIDs {
	tree, err := p.Parse(context.Background(), nil)
	if err != nil {
		panic(fmt.Sprintf("python: parsing nothing: %v", err))
	}
	defer tree.Close()
	g := tree.Language()
	id := func(name string) uint16 {
		v := g.FieldIdForName(name)
		if v == 0 {
			panic("python: the grammar has no field " + name)
		}
		return v
	}
	return &fieldIDs{
		alias: id("alias"), arguments: id("arguments"), attribute: id("attribute"), body: id("body"),
		definition: id("definition"), function: id("function"), left: id("left"), name: id("name"),
		object: id("object"), parameters: id("parameters"), right: id("right"), value: id("value"),
	}
}

package javascript

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestLoopsAndVariablesCarryTheirFunctionsHeader: the parse gives each loop
// and variable the signature of its innermost function: a method's from
// its name, below its decorators; an arrow function's across a multi-line
// parameter list.
func TestLoopsAndVariablesCarryTheirFunctionsHeader(t *testing.T) {
	js, ts := languages(t, Options{NoNode: true})
	for _, tc := range []struct {
		l      string
		src    string
		line   int // of the loop or variable
		header string
		at     int
	}{
		{"js", "function outer(a) {\n  if (a) {\n    for (const x of a) {}\n  }\n}\n", 3, "function outer(a) {", 1},
		// The header ends where the body begins, though the call's
		// bracket is still open there.
		{"js", "items.forEach((x) => {\n  for (const y of x) {}\n});\n", 2, "items.forEach((x) => {", 1},
		{"ts", "class C {\n  @Get()\n  async list(\n    q: string,\n  ) {\n    const n = 1;\n  }\n}\n", 6, "  async list(\n    q: string,\n  ) {", 3},
		{"ts", "export const handler = async (\n  req: Request,\n) => {\n  for (const x of req.items) {}\n};\n", 4, "export const handler = async (\n  req: Request,\n) => {", 1},
	} {
		l, path := js, "a.js"
		if tc.l == "ts" {
			l, path = ts, "a.ts"
		}
		cs, err := l.Find(&source.File{Path: path, Lang: l.Name, Src: []byte(tc.src)})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range cs {
			if c.Kind == source.Function || c.Range.StartLine != tc.line {
				continue
			}
			found = true
			if c.Header != tc.header || c.HeaderLine != tc.at {
				t.Errorf("%s in %q: header %q at %d, want %q at %d", c.Kind, tc.src, c.Header, c.HeaderLine, tc.header, tc.at)
			}
		}
		if !found {
			t.Errorf("no loop or variable at line %d of %q", tc.line, tc.src)
		}
	}
}

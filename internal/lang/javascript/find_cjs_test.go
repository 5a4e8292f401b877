package javascript

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCommonJSExportsStayImportable instruments a CommonJS module that
// re-exports as TypeScript and Babel emit it (graphql's error/index.js)
// and imports it by name from an ES module with the real node: Node finds
// those names by matching the getters' exact shape, so with a line of
// telemetry in them `import { parse }` threw "does not provide an export
// named 'parse'".
func TestCommonJSExportsStayImportable(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/golden/cjs_reexports.cjs")
	out, _, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	runtime, err := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	if err != nil {
		t.Fatal(err)
	}
	main := `import { parse, print, visit, localHelper } from "./cjs_reexports.cjs";
console.log(parse("x"), print("y"), visit("z"), localHelper([1, 2]));
`
	for _, tree := range []struct{ name, module string }{{"original", string(f.Src)}, {"instrumented", string(out)}} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
		writeFile(t, filepath.Join(dir, "parser.js"), []byte("exports.parse = (s) => 'parsed ' + s;\nexports.print = (s) => 'printed ' + s;\n"))
		writeFile(t, filepath.Join(dir, "visitor.js"), []byte("exports.visit = (s) => 'visited ' + s;\n"))
		writeFile(t, filepath.Join(dir, "cjs_reexports.cjs"), []byte(tree.module))
		writeFile(t, filepath.Join(dir, "main.mjs"), []byte(main))
		stdout, stderr, err := runNode(t, node, dir, "main.mjs")
		if want := "parsed x printed y visited z 5\n"; err != nil || stdout != want {
			t.Errorf("%s: import by name gave %q (%v), want %q\n%s", tree.name, stdout, err, want, stderr)
		}
	}
}

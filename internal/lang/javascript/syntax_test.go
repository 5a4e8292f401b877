package javascript

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSyntaxErrorPosition checks that a file that does not parse is
// reported at the line and column of its mistake, not at the start of the
// stretch tree-sitter's recovery wrapped (which was 1:1 for a merge
// conflict after a first statement), with and without node.
func TestSyntaxErrorPosition(t *testing.T) {
	cases := []struct {
		path, src      string
		node, treeOnly string // expected "line:col" with node and without
	}{
		{"conflict.js", "x = 1;\n<<<<<<< HEAD\ny = 2;\n=======\ny = 3;\n>>>>>>> b\n", "2:1", "2:1"},
		{"stray.js", "a = 1;\n}\n", "2:1", "2:1"},
		{"paren.js", "var a = 1;\nvar b = {\n  c: function() {\n    return (\n  }\n};\n", "5:3", "4:5"},
		{"string.cjs", "let y = 2;\nconst s = 'abc;\n", "2:11", "2:1"},
		{"types.mjs", "import x from 'y';\n\nfunction f(a: number) {}\n", "3:12", "3:12"},
		{"types.ts", "let a = 1;\nlet b: = 2;\n", "2:6", "2:6"},
	}
	_, hasNode := exec.LookPath("node")
	for _, withNode := range []bool{true, false} {
		if withNode && hasNode != nil {
			continue
		}
		js, ts := languages(t, Options{NoNode: !withNode})
		for _, c := range cases {
			f := testFile(c.path, []byte(c.src))
			_, err := pick(f, js, ts).Find(f)
			want := c.treeOnly
			if withNode {
				want = c.node
			}
			if err == nil || !strings.Contains(err.Error(), "syntax error at "+want+":") {
				t.Errorf("%s (node %v): got %v, want the error at %s", c.path, withNode, err, want)
			}
		}
	}
}

package python

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// layoutBad are programs Python rejects for their layout. Those tree-sitter
// parses without an error are the reason the layout check exists.
var layoutBad = []struct{ name, src, want string }{
	{"dedent to a level never opened", "def f():\n    if x:\n        a = 1\n      b = 2\n", "line 4: unindent does not match"},
	{"unexpected indent", "a = 1\n    b = 2\n", "line 2: unexpected indent"},
	{"unexpected indent after a comment", "def f():\n    a = 1\n    # c\n        b = 2\n", "line 4: unexpected indent"},
	{"header without a block", "def f():\n    if x:\n    a = 1\n", "line 3: expected an indented block after line 2"},
	{"header without a block at the end", "def f():\n    for x in y:\n", "expected an indented block after line 2"},
	{"header then dedent", "class A:\n    def f(self):\nx = 1\n", "line 3: expected an indented block after line 2"},
	{"tabs then spaces", "if x:\n\tif y:\n\t\ta = 1\n        \tb = 2\n", "inconsistent use of tabs and spaces"},
	{"spaces then a tab at the same column", "if x:\n        a = 1\n\tb = 2\n", "inconsistent use of tabs and spaces"},
	{"indented first line", "  x = 1\n", "line 1: unexpected indent"},
	{"unterminated triple-quoted string", "x = '''abc\n", "unterminated triple-quoted string"},
}

// layoutGood are programs Python accepts whose layout is easy to misread.
var layoutGood = []struct{ name, src string }{
	{"continuations", "x = (1,\n  2,\n      3)\ny = 1 + \\\n        2\nif x: pass\n"},
	{"strings that look like code", "def f():\n    s = '''\nnot: indented\n        deeply\n'''\n    t = \"a:\\\"\" ; u = r'\\'' \n    return s\n"},
	{"comments anywhere", "def f():\n# left\n        # right\n    return 1\n  # odd\n"},
	{"f-strings", "def f(x):\n    a = f\"{x!r:>{10}} {x['k']:}\"\n    b = f'''{x:\n}'''\n    c = rf\"\\{x}\" f\"{{}}\"\n    return a\n"},
	{"nested f-string quotes (3.12)", "def f(x):\n    return f\"{x[\"k\"]}\"\n"},
	{"form feed and CRLF", "\fdef f():\r\n    return 1\r\n\r\n\f\r\nx = 1\r\n"},
	{"tabs consistently", "if x:\n\tif y:\n\t\ta = 1\n\tb = 2\n"},
	{"dict and slice colons", "d = {\n 'a':\n 1}\ny = d[1:\n]\nf = lambda: 0\n"},
	{"match statement", "match x:\n    case 1:\n        pass\n    case _:\n        pass\n"},
	{"bytes and prefixes", "a = Rb'\\x' + BR\"y\" + U'z' + b'''\n:'''\n"},
	{"no final newline", "def f():\n    return 1"},
	{"decorator and one-line bodies", "@d\ndef f(): return 1\nclass C: x = 1\nwhile 0: pass\n"},
}

func TestCheckLayoutRejects(t *testing.T) {
	p := treesitter.NewParser(treesitter.Python, 1)
	defer p.Close()
	py, _ := exec.LookPath("python3")
	silent := 0
	for _, tc := range layoutBad {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckLayout([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckLayout(%q) = %v, want an error containing %q", tc.src, err, tc.want)
			}
			tree, perr := p.Parse(context.Background(), []byte(tc.src))
			if perr != nil {
				t.Fatal(perr)
			}
			if treesitter.SyntaxError(tree.RootNode(), []byte(tc.src)) == nil {
				silent++
			}
			tree.Close()
			if py != "" {
				if out, err := exec.Command(py, "-c", "import sys; compile(sys.argv[1], 'x', 'exec')", tc.src).CombinedOutput(); err == nil {
					t.Errorf("python3 accepts %q, so the case is wrong: %s", tc.src, out)
				}
			}
		})
	}
	t.Logf("tree-sitter parses %d of the %d bad layouts without an error", silent, len(layoutBad))
	if silent == 0 {
		t.Error("no case shows what tree-sitter misses")
	}
}

func TestCheckLayoutAccepts(t *testing.T) {
	py, _ := exec.LookPath("python3")
	for _, tc := range layoutGood {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckLayout([]byte(tc.src)); err != nil {
				t.Errorf("CheckLayout(%q) = %v, want nil", tc.src, err)
			}
			if py != "" && !strings.Contains(tc.name, "3.12") {
				if out, err := exec.Command(py, "-c", "import sys; compile(sys.argv[1], 'x', 'exec')", tc.src).CombinedOutput(); err != nil {
					t.Errorf("python3 rejects %q, so the case is wrong: %s", tc.src, out)
				}
			}
		})
	}
}

package python

import (
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestRenderEscapesThePath(t *testing.T) {
	l := newTestLanguage(t, Options{})
	path := "we\"ird\\dir/é'x\u2028.py"
	src := []byte("def f(a, secret):\n    x = a\n    return x\n")
	f := &source.File{Path: path, Lang: source.Python, Src: src}
	cs, err := l.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	edits := []inject.Edit{l.Import(f, "._telemetry_utils")}
	for i := range cs {
		// Names are validated before rendering; the path is not.
		d := testDecision(&cs[i])
		d.Name = "m." + cs[i].Name
		edits = append(edits, l.Render(f, &cs[i], d)...)
	}
	out, err := inject.Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	want := current.scriptLineAt(1) + "  " + noCoverComment + Marker + "\n" +
		"def f(a, secret):\n" +
		`    with __ti_span__("m.f", "we\"ird\\dir/\xe9'x\u2028.py", 1, ("a", a, "secret", secret), True):  # @telemetry-inject` + "\n" +
		"        x = a\n" +
		`        __ti_var__("m.x", x, "we\"ird\\dir/\xe9'x\u2028.py", 2)  # @telemetry-inject` + "\n" +
		"        return x\n"
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if err := l.Validate(t.Context(), f, out); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestRenderDecisions(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	src := []byte("def f(a, b):\n    token = None\n    return token\n")
	f := &source.File{Path: "m.py", Src: src}
	cs, err := l.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	fn, v := &cs[0], &cs[1]
	first := func(edits []inject.Edit) string {
		if len(edits) == 0 {
			t.Fatalf("got no edits")
		}
		return edits[0].New
	}
	if got := first(l.Render(f, fn, source.Decision{Name: "f", Attributes: []string{"b", "nope", "b"}})); !strings.Contains(got, `("b", b), False):`) {
		t.Errorf("attributes not filtered to parameters: %s", got)
	}
	if got := first(l.Render(f, fn, source.Decision{Name: "f", RecordValue: true})); !strings.Contains(got, `(), False, values=True):`) {
		t.Errorf("values not asked for: %s", got)
	}
	for _, tc := range []struct {
		d    source.Decision
		want string
	}{
		{source.Decision{Name: "k", RecordValue: true, Sensitive: true}, `__ti_mark__("k", "m.py", 2)`},
		{source.Decision{Name: "k", RecordValue: true}, `__ti_val__("k", token, "m.py", 2)`},
		{source.Decision{Name: "k"}, `__ti_var__("k", token, "m.py", 2)`},
	} {
		// Appended to the statement's own line, which the with block's
		// unit, rendered above, indents: a literal cannot raise, so the
		// line is never shown in a traceback.
		if got := first(l.Render(f, v, tc.d)); got != "; "+tc.want+Marker {
			t.Errorf("variable rendered as %q for %+v, want %s", got, tc.d, tc.want)
		}
	}
	if got := l.Render(f, fn, source.Decision{Skip: true, Name: "f"}); got != nil {
		t.Errorf("skipped decision rendered %v", got)
	}
	if got := l.Render(f, fn, source.Decision{Name: `x"); import os; ("`}); got != nil {
		t.Errorf("a name outside the pattern was rendered: %v", got)
	}
}

func TestImportPlacement(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	// A module beside the runtime imports it relatively inside a package
	// (an implicit namespace package) and else where the import system
	// finds it, in one statement appended to a line the module has, so
	// that no line moves.
	// On a line of its own or a docstring's the lookup is excluded from
	// coverage; appended to a statement, only its branches are.
	imp := current.scriptLine() + "  " + noCoverComment + Marker
	onDoc := "; " + imp
	suffix := "; " + current.scriptLine() + "  " + noBranchComment + Marker
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", imp + "\n"},
		{"plain", "x = 1\n", "x = 1" + suffix + "\n"},
		{"bom", "\ufeffx = 1\n", "\ufeffx = 1" + suffix + "\n"},
		{"docstring without newline", `"""d"""`, `"""d"""` + onDoc},
		{"statement without newline", "x = 1", "x = 1" + suffix},
		{"multi-line docstring", "\"\"\"d\n\n  e\n\"\"\"\nx = 1\n", "\"\"\"d\n\n  e\n\"\"\"" + onDoc + "\nx = 1\n"},
		{"docstring then statement on its line", "'d'; x = 1\ny = 2\n", "'d'; x = 1" + onDoc + "\ny = 2\n"},
		{"cookie on line 1", "# coding: latin-1\nx = 1\n", "# coding: latin-1\nx = 1" + suffix + "\n"},
		{"shebang and cookie", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport os\n", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport os" + suffix + "\n"},
		{"comment is not a cookie", "# hello\nx = 1\n", "# hello\nx = 1" + suffix + "\n"},
		{"trailing blanks stay after the marker", "x = 1 \t\n", "x = 1" + suffix + " \t\n"},
		{"crlf", "\"\"\"d\"\"\"\r\nfrom __future__ import annotations\r\nx = 1\r\n", "\"\"\"d\"\"\"\r\nfrom __future__ import annotations" + suffix + "\r\nx = 1\r\n"},
		{"future import in brackets", "from __future__ import (\n    annotations,\n)\nx = 1\n", "from __future__ import (\n    annotations,\n)" + onDoc + "\nx = 1\n"},
		// No line can take it: a line of its own, where it went before.
		{"docstring with a comment", "'d'  # c\nx = 1\n", "'d'  # c\nx = 1" + suffix + "\n"},
		{"docstring with a comment, then a def", "'d'  # c\ndef f(): pass\n", "'d'  # c\n" + imp + "\ndef f(): pass\n"},
		{"statement with a comment", "x = 1  # c\n", imp + "\nx = 1  # c\n"},
		{"statement ending with a semicolon", "x = 1;\n", imp + "\nx = 1;\n"},
		{"statement over lines", "x = (\n    1)\n", imp + "\nx = (\n    1)\n"},
		{"backslash continuation", "x = \\\n    1\n", imp + "\nx = \\\n    1\n"},
		{"compound statement on one line", "if x: y = 1\n", imp + "\nif x: y = 1\n"},
		{"definition first", "def f():\n    pass\n", imp + "\ndef f():\n    pass\n"},
		{"decorator first", "@d\ndef f(): pass\n", imp + "\n@d\ndef f(): pass\n"},
		{"docstring, then a function", "'d'\n\n\ndef f():\n\tpass\n", "'d'" + onDoc + "\n\n\ndef f():\n\tpass\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := l.Import(&source.File{Src: []byte(tc.src)}, "_telemetry_utils")
			out, err := inject.Apply([]byte(tc.src), []inject.Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got %q, want %q", out, tc.want)
			}
			if back, n, err := l.Strip(out); string(back) != tc.src || n != 1 {
				t.Errorf("Strip = %q (%d, %v), want %q (1)", back, n, err, tc.src)
			}
		})
	}
}

// TestVariableRecordPlacement: a variable record is appended to its
// statement's line when the statement has the line to itself, and goes on
// a line of its own below it, indented with the with block's unit,
// otherwise. Every output compiles and strips back to the original.
func TestVariableRecordPlacement(t *testing.T) {
	l := newTestLanguage(t, Options{})
	rec := `__ti_var__("m.f.x", x, "m.py", 2)  # @telemetry-inject`
	for _, tc := range []struct{ name, stmt, want string }{
		{"own line", "x = 1", "x = 1; " + rec},
		{"trailing blanks", "x = 1  ", "x = 1; " + rec + "  "},
		{"comment", "x = 1  # c", "x = 1  # c\n        " + rec},
		{"semicolon", "x = 1;", "x = 1;\n        " + rec},
		{"two statements", "x = 1; print(x)", "x = 1; print(x)\n        " + rec},
		{"over lines", "x = (\n        1)", "x = (\n        1)\n        " + rec},
		{"backslash", "x = \\\n        1", "x = \\\n        1\n        " + rec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def f(a):\n    " + tc.stmt + "\n    return x\n"
			out, _, err := instrument(l, "m.py", []byte(src), "_telemetry_utils")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "\n        "+tc.want+"\n        return x\n") {
				t.Errorf("got:\n%s\nwant the statement as\n        %s", out, tc.want)
			}
			if err := l.Validate(t.Context(), &source.File{Path: "m.py", Src: []byte(src)}, out); err != nil {
				t.Errorf("Validate: %v\n%s", err, out)
			}
			if back, _, err := l.Strip(out); string(back) != src {
				t.Errorf("Strip = %q (%v), want %q", back, err, src)
			}
		})
	}
}

// TestTickPlacement: a tick goes on a line of its own above the loop
// body's first statement, simple or compound (a tick in front of a simple
// statement, on its line, was part of the text a traceback shows for it).
// Every output compiles and strips back to the original.
func TestTickPlacement(t *testing.T) {
	l := newTestLanguage(t, Options{})
	tick := `__ti_tick__("m.f.loop0")`
	for _, tc := range []struct{ name, first, want string }{
		{"simple", "print(x)", tick + Marker + "\n            print(x)"},
		{"over lines", "print(\n                x)", tick + Marker + "\n            print(\n                x)"},
		{"name starting like a keyword", "if_x = x", tick + Marker + "\n            if_x = x"},
		{"compound", "if x:\n            print(x)", tick + Marker + "\n            if x:\n                print(x)"},
		{"nested loop", "for y in x:\n            print(y)", tick + Marker + "\n            __ti_loop__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "def f(a):\n    for x in a:\n        " + tc.first + "\n    return a\n"
			out, _, err := instrument(l, "m.py", []byte(src), "_telemetry_utils")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "\n            "+tc.want) {
				t.Errorf("got:\n%s\nwant the body to start\n            %s", out, tc.want)
			}
			if err := l.Validate(t.Context(), &source.File{Path: "m.py", Src: []byte(src)}, out); err != nil {
				t.Errorf("Validate: %v\n%s", err, out)
			}
			if back, _, err := l.Strip(out); string(back) != src {
				t.Errorf("Strip = %q (%v), want %q", back, err, src)
			}
		})
	}
}

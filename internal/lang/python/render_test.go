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
	want := "from ._telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_mark  # @telemetry-inject\n" +
		`@_ti_span("m.f", "we\"ird\\dir/\xe9'x\u2028.py", 1, ("a", "secret"), True)  # @telemetry-inject` + "\n" +
		"def f(a, secret):\n    x = a\n" +
		`    _ti_var("m.x", x, "we\"ird\\dir/\xe9'x\u2028.py", 2)  # @telemetry-inject` + "\n" +
		"    return x\n"
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if err := l.Validate(t.Context(), f, out); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestRenderDecisions(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	src := []byte("def f(a, b):\n    token = a\n    return token\n")
	f := &source.File{Path: "m.py", Src: src}
	cs, err := l.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	fn, v := &cs[0], &cs[1]
	one := func(edits []inject.Edit) string {
		if len(edits) != 1 {
			t.Fatalf("got %d edits, want 1", len(edits))
		}
		return edits[0].New
	}
	if got := one(l.Render(f, fn, source.Decision{Name: "f", Attributes: []string{"b", "nope", "b"}})); !strings.Contains(got, `("b",), False)`) {
		t.Errorf("attributes not filtered to parameters: %s", got)
	}
	if got := one(l.Render(f, v, source.Decision{Name: "k", RecordValue: true, Sensitive: true})); !strings.HasPrefix(got, `    _ti_mark("k", "m.py", 2)`) {
		t.Errorf("sensitive variable rendered as %s", got)
	}
	if got := l.Render(f, fn, source.Decision{Skip: true, Name: "f"}); got != nil {
		t.Errorf("skipped decision rendered %v", got)
	}
	if got := l.Render(f, fn, source.Decision{Name: `x"); import os; ("`}); got != nil {
		t.Errorf("a name outside the pattern was rendered: %v", got)
	}
}

func TestImportPlacement(t *testing.T) {
	imp := "from _telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_mark  # @telemetry-inject"
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", imp + "\n"},
		{"plain", "x = 1\n", imp + "\nx = 1\n"},
		{"bom", "\ufeffx = 1\n", "\ufeff" + imp + "\nx = 1\n"},
		{"docstring without newline", `"""d"""`, `"""d"""` + "\n" + imp},
		{"docstring then statement on its line", "'d'; x = 1\ny = 2\n", "'d'; x = 1\n" + imp + "\ny = 2\n"},
		{"cookie on line 1", "# coding: latin-1\nx = 1\n", "# coding: latin-1\n" + imp + "\nx = 1\n"},
		{"comment is not a cookie", "# hello\nx = 1\n", imp + "\n# hello\nx = 1\n"},
		{"crlf", "\"\"\"d\"\"\"\r\nfrom __future__ import annotations\r\nx = 1\r\n", "\"\"\"d\"\"\"\r\nfrom __future__ import annotations\r\n" + imp + "\r\nx = 1\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := importEdit(&source.File{Src: []byte(tc.src)}, "_telemetry_utils")
			out, err := inject.Apply([]byte(tc.src), []inject.Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got %q, want %q", out, tc.want)
			}
			if back, n, _ := Strip(out); string(back) != tc.src || n != 1 {
				t.Errorf("Strip = %q (%d), want %q (1)", back, n, tc.src)
			}
		})
	}
}

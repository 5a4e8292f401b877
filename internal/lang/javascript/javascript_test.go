package javascript

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestDeclarationFilesHaveNoConstructs(t *testing.T) {
	_, ts := languages(t, Options{NoNode: true})
	f := testFile("types/index.d.ts", []byte("export declare function f(a: number): void;\nexport {};\n"))
	cs, err := ts.Find(f)
	if err != nil || len(cs) != 0 {
		t.Fatalf("Find on a .d.ts = %v, %v; want nothing", cs, err)
	}
}

func TestFindReportsSyntaxErrors(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	_, err := js.Find(testFile("bad.js", []byte("function f( {\n")))
	if err == nil || !strings.Contains(err.Error(), "bad.js") || !strings.Contains(err.Error(), "1:") {
		t.Fatalf("Find on broken code: %v", err)
	}
}

// TestValidateUsesNode checks that output tree-sitter accepts but node
// rejects (a redeclared const) fails validation when node is there, and
// passes the parse-only TypeScript check.
func TestValidateUsesNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	js, ts := languages(t, Options{})
	bad := []byte("const a = 1;\nconst a = 2;\nmodule.exports = a;\n")
	err := js.Validate(bg, testFile("x.js", bad), bad)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("Validate accepted a redeclared const: %v", err)
	}
	if err := js.Validate(bg, testFile("x.js", bad), []byte("module.exports = 1;\n")); err != nil {
		t.Fatalf("Validate rejected a valid file: %v", err)
	}
	esm := []byte("import fs from 'fs';\nawait fs.promises.stat('.');\n")
	if err := js.Validate(bg, testFile("x.mjs", esm), esm); err != nil {
		t.Fatalf("Validate rejected top-level await in an ES module: %v", err)
	}
	if err := ts.Validate(bg, testFile("x.ts", bad), []byte("let x: = 1;\n")); err == nil {
		t.Fatal("Validate accepted broken TypeScript")
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := js.Validate(ctx, testFile("x.js", bad), []byte("let b = 1;\n")); err == nil {
		t.Fatal("Validate with a cancelled context did not fail")
	}
	if err := js.Validate(bg, testFile("x.js", bad), []byte("let b = 1;\n")); err != nil {
		t.Fatalf("Validate after a cancelled check: %v", err)
	}
}

// TestStripAfterUserEdits edits an instrumented file the way a user would
// (a line added, a line changed, far from and next to injected lines) and
// checks that Strip gives the edited original.
func TestStripAfterUserEdits(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	src := []byte("function f(a) {\n  const b = a + 1;\n  for (const x of a) {\n    g(x);\n  }\n  return b;\n}\nmodule.exports = f;\n")
	out, _, err := instrument(js, testFile("f.js", src), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(b []byte) []byte {
		b = bytes.Replace(b, []byte("    g(x);\n"), []byte("    g(x);\n    h(x); // new\n"), 1)
		b = bytes.Replace(b, []byte("return b;"), []byte("return b * 2;"), 1)
		return append(b, "// trailing note\n"...)
	}
	back, n, _ := Strip(edit(out))
	if want := edit(src); !bytes.Equal(back, want) {
		t.Fatalf("Strip after edits:\n%s\nwant:\n%s", back, want)
	}
	if n < 6 {
		t.Fatalf("Strip removed %d pieces, want at least 6", n)
	}
	if again, n, _ := Strip(back); n != 0 || !bytes.Equal(again, back) {
		t.Fatalf("a second Strip removed %d pieces", n)
	}
}

func TestImportPlacement(t *testing.T) {
	js, ts := languages(t, Options{NoNode: true})
	// CommonJS modules get the lookup that falls back to a do-nothing
	// runtime, as scripts do: a copy of the file alone still runs.
	const cjsImport = `/* c8 ignore next */ var __ti = /** @type {typeof import("./rt.js")} */ ((function () { try { return require("./rt.js"); } catch (e) /* istanbul ignore next */ { ` +
		`var n = function () {}; return { enter: n, exit: n, fail: n, v: n, val: n, mark: n, loop: n, tick: n, ` +
		`run: function () { var f = arguments[4]; return f(); } }; } })());`
	cases := []struct {
		path, src, want string
	}{
		{"a.js", "const x = require('x');\n", "/*@ti{*/" + cjsImport + "/*}@ti*/const x = require('x');\n"},
		{"a.mjs", "#!/usr/bin/env node\nimport x from 'x';\n", "#!/usr/bin/env node\n/*@ti{*/import * as __ti from \"./rt.js\";/*}@ti*/import x from 'x';\n"},
		{"a.cjs", "'use strict'; module.exports = 1;\n", "'use strict'; /*@ti{*/" + cjsImport + "/*}@ti*/module.exports = 1;\n"},
		{"a.cjs", "'use strict'\nmodule.exports = 1;\n", "'use strict'\n/*@ti{*/" + cjsImport + "/*}@ti*/module.exports = 1;\n"},
		{"a.ts", "/// <reference path=\"x.d.ts\" />\n/** Docs. */\nexport const a = 1;\n", "/// <reference path=\"x.d.ts\" />\n/*@ti{*/import * as __ti from \"./rt.js\";/*}@ti*//** Docs. */\nexport const a = 1;\n"},
		{"a.js", "\"use strict\"\r\nexports.a = 1;\r\n", "\"use strict\"\r\n/*@ti{*/" + cjsImport + "/*}@ti*/exports.a = 1;\r\n"},
		{"a.js", "import x from 'y'; export default x;\n", "/*@ti{*/import * as __ti from \"./rt.js\";/*}@ti*/import x from 'y'; export default x;\n"},
		// No header comment nor statement gets a line of its own.
		{"a.js", "// header\n\n// @ts-expect-error: x\nlet x = 1;\n", "// header\n\n/*@ti{*/" + cjsImport + "/*}@ti*/// @ts-expect-error: x\nlet x = 1;\n"},
	}
	for _, c := range cases {
		f := testFile(c.path, []byte(c.src))
		l := pick(f, js, ts)
		out, err := inject.Apply(f.Src, []inject.Edit{l.Import(f, "./rt.js")})
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != c.want {
			t.Errorf("%s %q: got\n%s\nwant\n%s", c.path, c.src, out, c.want)
		}
		if err := l.Validate(bg, f, out); err != nil {
			t.Errorf("%s %q: %v", c.path, c.src, err)
		}
		if back, _, _ := Strip(out); string(back) != c.src {
			t.Errorf("%s: Strip gives %q", c.path, back)
		}
		if strings.Count(string(out), "\n") != strings.Count(c.src, "\n") {
			t.Errorf("%s %q: the import added a line", c.path, c.src)
		}
	}
}

// TestASIAndOneLiners covers statements without semicolons next to the
// injected pieces, where automatic semicolon insertion decides validity.
func TestASIAndOneLiners(t *testing.T) {
	js, _ := languages(t, Options{})
	srcs := []string{
		"function f(a) { const b = a }\nmodule.exports = f\n",
		"function f(a) {\n  let b = a\n  b += 1\n  ;[b].forEach(x => x)\n  return b\n}\nmodule.exports = f\n",
		"function f() { 'use strict' }\nmodule.exports = f\n",
		"function f() { 'use strict'; return 1 }\nmodule.exports = f\n",
		"const f = a => b => c => a + b + c\nmodule.exports = f\n",
		"module.exports = function () { for (;;) { break } do {} while (0) }\n",
		"function f(x) { return x }/* trailing */ module.exports = f\n",
		"function f(a) {\n  const b = a /* note\n  continues */\n  return b\n}\nmodule.exports = f\n",
		"function f(a) { return {\n  a\n} }\nmodule.exports = f\n",
		"async function f() { const x = await 1 } module.exports = f",
		"function f(a) {\n  let b = a // a comment after the statement\n  return b\n}\nmodule.exports = f\n",
		"function f(a) {\n  let b = a\n  ;(b)\n  b = a\n  [b].length\n  return b\n}\nmodule.exports = f\n",
		"function f(x) { let y = 0\n  if (x) y = 1;\n  if (!x) return\n  return y }\nmodule.exports = f\n",
		"function f(a) {\n  const s = `x\n${a}\n`\n  return s\n}\nmodule.exports = f\n",
		"function f() {\n  outer:\n  for (;;) { for (;;) { break outer } }\n}\nmodule.exports = f\n",
		"function f(a) {\n  let b = a\n  for (const x of [b]) b = x\n  return b\n}\nmodule.exports = f\n",
		"class A { x = 1\n  f = () => { const y = this.x\n    return y }\n  static g = (a) => a\n}\nmodule.exports = A\n",
		"function f() {\n  'use strict' // a directive\n  return 1\n}\nmodule.exports = f\n",
		"function f() {\n  \"use strict\"\n  let a = 1\n  return a\n}\nmodule.exports = f\n",
		"#!/usr/bin/env node\n'use strict'\nfunction f(a) {\n  let b = a\n  ++b\n  return b\n}\nmodule.exports = f\n",
	}
	for _, src := range srcs {
		f := testFile("asi.js", []byte(src))
		out, cs, err := instrument(js, f, testDecision)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			t.Errorf("%q: no constructs", src)
		}
		if err := js.Validate(bg, f, out); err != nil {
			t.Errorf("%q: %v\n%s", src, err, out)
		}
		if back, _, _ := Strip(out); string(back) != src {
			t.Errorf("%q: Strip gives %q", src, back)
		}
		if strings.Count(string(out), "\n") != strings.Count(src, "\n") {
			t.Errorf("%q: lines were added:\n%s", src, out)
		}
	}
}

func TestRenderEscapesStrings(t *testing.T) {
	f := testFile("dir*/x\u2028.js", []byte("function f(a) { return a }\nmodule.exports = f\n"))
	js, _ := languages(t, Options{NoNode: true})
	cs, err := js.Find(f)
	if err != nil {
		t.Fatal(err)
	}
	if e := js.Render(f, &cs[0], source.Decision{Name: "a*/b", RecordExceptions: true}); len(e) != 0 {
		t.Fatalf("name outside the pattern rendered: %q", e[0].New)
	}
	edits := js.Render(f, &cs[0], source.Decision{Name: "a.b", Attributes: []string{"a", "notInScope"}, RecordExceptions: true})
	for _, e := range edits {
		// The coverage hints are the comments a piece may hold.
		body := strings.TrimSuffix(strings.TrimPrefix(e.New, markOpen), markClose)
		body = strings.NewReplacer(coverageHint, "", istanbulHint, "").Replace(body)
		if strings.Contains(body, "*/") || strings.ContainsAny(body, "\n\u2028") {
			t.Errorf("rendered piece %q can close the comment or break the line", e.New)
		}
		if strings.Contains(e.New, "notInScope") {
			t.Errorf("attribute outside the scope rendered: %q", e.New)
		}
	}
	if edits[0].New != `/*@ti{*/const __ti_s = __ti.enter("a.b", "dir*\/x\u2028.js", 1, {a: a}); try {/*}@ti*/` {
		t.Errorf("opening piece = %s", edits[0].New)
	}
}

func TestModuleKindsOfTypeScript(t *testing.T) {
	_, ts := languages(t, Options{NoNode: true})
	src := []byte("function f(a: number) { return a }\n")
	for path, global := range map[string]bool{"g.ts": true, "g.tsx": true, "m.mts": false, "c.cts": false} {
		cs, err := ts.Find(testFile(path, src))
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: %v %v", path, cs, err)
		}
		if (cs[0].Skip == reasonGlobalTS) != global {
			t.Errorf("%s: skip = %q", path, cs[0].Skip)
		}
	}
}

func TestReservedPrefixSkipsTheFile(t *testing.T) {
	js, _ := languages(t, Options{NoNode: true})
	cs, err := js.Find(testFile("r.js", []byte("const __ti = 1;\nfunction f(a) { return a }\nmodule.exports = f;\n")))
	if err != nil || len(cs) != 1 || cs[0].Skip != reasonReserved {
		t.Fatalf("constructs = %+v, %v", cs, err)
	}
}

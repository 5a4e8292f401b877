package python

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

const findSample = `import sys


class Store:
    def get(self, key, default=None, *args, **kw):
        value = self.data.get(key)
        for k, v in kw.items():
            count = 1
        for k2 in args:
            pass
        return value

    async def stream(self, n):
        async for item in self.source(n):
            yield item

    def frames(self):
        return sys._getframe(1)


def outer(a, /, b, *, c: int = 1):
    def inner(d):
        return d
    while a:
        a -= 1
    return inner


for i in range(3):
    pass
`

func findAll(t *testing.T, path, src string) []source.Construct {
	t.Helper()
	l := newTestLanguage(t, Options{NoCompile: true})
	cs, err := l.Find(&source.File{Path: path, Lang: source.Python, Src: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func byQual(cs []source.Construct, kind source.Kind, qual string, ordinal int) *source.Construct {
	for i := range cs {
		if cs[i].Kind == kind && cs[i].QualName == qual && cs[i].Ordinal == ordinal {
			return &cs[i]
		}
	}
	return nil
}

func TestFindConstructs(t *testing.T) {
	cs := findAll(t, "pkg/store.py", findSample)
	var got []string
	for _, c := range cs {
		got = append(got, string(c.Kind)+" "+c.QualName+" "+c.Name)
	}
	want := []string{
		"function pkg.store.Store.get get",
		"variable pkg.store.Store.get value",
		"loop pkg.store.Store.get k, v",
		"variable pkg.store.Store.get count",
		"loop pkg.store.Store.get k2",
		"function pkg.store.Store.stream stream",
		"loop pkg.store.Store.stream item",
		"function pkg.store.Store.frames frames",
		"function pkg.store.outer outer",
		"function pkg.store.outer.inner inner",
		"loop pkg.store.outer while",
		"variable pkg.store.outer a",
		"loop pkg.store i",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("constructs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	get := byQual(cs, source.Function, "pkg.store.Store.get", 0)
	if !slices.Equal(get.Params, []string{"self", "key", "default", "args", "kw"}) {
		t.Errorf("get params = %v", get.Params)
	}
	if !slices.Equal(get.Scope, []string{"self", "key", "default", "args", "kw", "value", "k", "v", "count", "k2"}) {
		t.Errorf("get scope = %v", get.Scope)
	}
	if get.Async || get.Generator || get.Skip != "" || get.Enclosing != "" || get.Indent != "    " {
		t.Errorf("get = %+v", get)
	}
	if get.Range.StartLine != 5 || get.Anchor.Before != strings.Index(findSample, "    def get") || get.Anchor.BodyIndent != "        " ||
		get.Anchor.BodyStart != strings.Index(findSample, "        value =") {
		t.Errorf("get range/anchor = %+v %+v", get.Range, get.Anchor)
	}
	if get.ID != source.NewID("pkg/store.py", source.Function, "pkg.store.Store.get", 0) {
		t.Errorf("get ID = %s", get.ID)
	}

	loop1 := byQual(cs, source.Loop, "pkg.store.Store.get", 1)
	if loop1 == nil || loop1.Name != "k2" || loop1.Enclosing != "pkg.store.Store.get" || !slices.Contains(loop1.Scope, "value") {
		t.Errorf("second loop of get = %+v", loop1)
	}
	count := byQual(cs, source.Variable, "pkg.store.Store.get", 1)
	if count == nil || !slices.Equal(count.Targets, []string{"count"}) || count.Indent != "            " {
		t.Errorf("count variable = %+v", count)
	}
	if want := strings.Index(findSample, "        for k2"); count.Anchor.After != want {
		t.Errorf("count After = %d, want %d", count.Anchor.After, want)
	}

	stream := byQual(cs, source.Function, "pkg.store.Store.stream", 0)
	if !stream.Async || !stream.Generator {
		t.Errorf("stream async=%v generator=%v, want both", stream.Async, stream.Generator)
	}
	// No wrapper frame any more: a frame inspector is instrumented.
	frames := byQual(cs, source.Function, "pkg.store.Store.frames", 0)
	if frames.Skip != "" {
		t.Errorf("frames skip = %q", frames.Skip)
	}
	// InLoop: what runs once per iteration of a loop of its own function.
	for _, c := range cs {
		want := c.Kind == source.Variable && (c.Name == "count" || c.Name == "a")
		if c.InLoop != want {
			t.Errorf("%s %s InLoop = %v, want %v", c.Kind, c.Name, c.InLoop, want)
		}
	}
	outer := byQual(cs, source.Function, "pkg.store.outer", 0)
	if !slices.Equal(outer.Params, []string{"a", "b", "c"}) || outer.Generator {
		t.Errorf("outer = %+v", outer)
	}
	inner := byQual(cs, source.Function, "pkg.store.outer.inner", 0)
	if inner.Enclosing != "pkg.store.outer" || !slices.Equal(inner.Scope, []string{"d"}) {
		t.Errorf("inner = %+v", inner)
	}
	top := byQual(cs, source.Loop, "pkg.store", 0)
	if top.Enclosing != "" || len(top.Scope) != 0 || top.Scope == nil {
		t.Errorf("module loop = %+v", top)
	}
}

// A parameter whose default is the global of its name (the standard
// library's fast-locals idiom) is no input of a call: it is in the scope,
// not among the parameters an attribute may name.
func TestFindLeavesBoundGlobalsOutOfParams(t *testing.T) {
	cs := findAll(t, "enc.py", "def make(markers, _indent, ValueError=ValueError, id=id, *, level: int = level, limit=other, **kw):\n    return markers\n")
	f := byQual(cs, source.Function, "enc.make", 0)
	if f == nil {
		t.Fatal("make not found")
	}
	if want := []string{"markers", "_indent", "limit", "kw"}; !slices.Equal(f.Params, want) {
		t.Errorf("params = %v, want %v", f.Params, want)
	}
	if !slices.Contains(f.Scope, "ValueError") || !slices.Contains(f.Scope, "level") {
		t.Errorf("scope = %v, want the bound globals kept", f.Scope)
	}
}

func TestFindSyntaxError(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	_, err := l.Find(&source.File{Path: "bad.py", Src: []byte("def f(:\n    pass\n")})
	if err == nil || !strings.Contains(err.Error(), "1:") {
		t.Fatalf("Find = %v, want a syntax error with its line", err)
	}
}

func TestModuleName(t *testing.T) {
	for in, want := range map[string]string{
		"mod.py": "mod", "pkg/mod.py": "pkg.mod", "pkg/__init__.py": "pkg", "__init__.py": "", "./a/b/c.py": "a.b.c",
		"src/pkg/mod.py": "pkg.mod",
	} {
		if got := ModuleName(in); got != want {
			t.Errorf("ModuleName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindFileOptOut(t *testing.T) {
	cs := findAll(t, "m.py", "def f(a):\n    b = a\n    return b\n# telemetry-inject: ignore-file\n")
	if len(cs) != 2 {
		t.Fatalf("got %d constructs, want 2", len(cs))
	}
	for _, c := range cs {
		if !strings.Contains(c.Skip, "ignore-file") {
			t.Errorf("%s %s not skipped: %q", c.Kind, c.Name, c.Skip)
		}
	}
}

func TestFindScopeOfCompoundStatements(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/compound.py")
	if err != nil {
		t.Fatal(err)
	}
	cs := findAll(t, "compound.py", string(src))
	want := []string{"command", "args", "counter", "result", "a", "value", "done", "s", "fh", "first"}
	if got := cs[0].Scope; !slices.Equal(got, want) {
		t.Errorf("scope of handle = %v, want %v", got, want)
	}
}

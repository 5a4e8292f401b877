package scan

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// writeTree creates files (path → content) under dir; a path ending in
// a slash is an empty folder.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") { // a folder
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func paths(fs []source.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

func skipMap(sk []Skip) map[string]string {
	m := map[string]string{}
	for _, s := range sk {
		m[s.Path] = s.Reason
	}
	return m
}

func TestWalkSkipsWhatItMust(t *testing.T) {
	dir := t.TempDir()
	minified := "var a=1;" + strings.Repeat("function f(){return 1};", 200) + "\n"
	writeTree(t, dir, map[string]string{
		"app.py":                        "def f():\n    pass\n",
		"README.md":                     "# not code\n",
		"_telemetry_utils.py":           "# ours\n",
		"pkg/_telemetry_utils.js":       "// ours\n",
		"pkg/deep/_telemetry_utils.ts":  "// ours\n",
		"pkg/mod.js":                    "exports.a = 1;\n",
		"pkg/types.d.ts":                "export declare const a: number;\n",
		"pkg/bundle.min.js":             "var a=1;\n",
		"pkg/packed.js":                 minified,
		"pkg/blob.js":                   "abc\x00def\n",
		"pkg/latin1.py":                 "s = '\xe9'\n",
		"pkg/big.ts":                    strings.Repeat("let a = 1;\n", 20),
		"node_modules/dep/index.js":     "module.exports = 1;\n",
		".venv/lib/x.py":                "x = 1\n",
		"venv/x.py":                     "x = 1\n",
		"lib/site-packages/y.py":        "y = 1\n",
		"__pycache__/z.py":              "z = 1\n",
		"dist/out.js":                   "1;\n",
		"build/out.js":                  "1;\n",
		".git/hooks/h.py":               "h = 1\n",
		".telemetry-inject/state.js":    "1;\n",
		"src/comp.tsx":                  "export const C = () => null;\n",
		"src/m.mts":                     "export {};\n",
		"src/c.cts":                     "export {};\n",
		"src/a.jsx":                     "1;\n",
		"src/b.mjs":                     "1;\n",
		"src/d.cjs":                     "1;\n",
		"src/e.ts":                      "1;\n",
		"src/nested/build/keep_name.py": "unreachable = 1\n",
	})
	if err := os.Symlink(dir, filepath.Join(dir, "src", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "app.py"), filepath.Join(dir, "src", "alias.py")); err != nil {
		t.Fatal(err)
	}
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages, MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"app.py", "pkg/mod.js", "src/a.jsx", "src/b.mjs", "src/c.cts", "src/comp.tsx", "src/d.cjs", "src/e.ts", "src/m.mts"}
	if got := paths(res.Files); !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}
	sk := skipMap(res.Skipped)
	wantSkip := map[string]string{
		"pkg/types.d.ts":    "type declaration",
		"pkg/bundle.min.js": "minified",
		"pkg/packed.js":     "too large", // the size limit comes first
		"pkg/blob.js":       "binary",
		"pkg/latin1.py":     "UTF-8",
		"pkg/big.ts":        "too large",
		"src/loop":          "symlink loop",
		"src/alias.py":      "symbolic link",
	}
	for p, frag := range wantSkip {
		if !strings.Contains(sk[p], frag) {
			t.Errorf("skip reason of %s = %q, want it to mention %q", p, sk[p], frag)
		}
	}
	if len(sk) != len(wantSkip) {
		t.Errorf("skipped %v, want exactly %v", sk, wantSkip)
	}

	// Without the size limit the long-line bundle is caught by content.
	res, err = Walk(context.Background(), filepath.Join(dir, "pkg"), Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if r := skipMap(res.Skipped)["packed.js"]; !strings.Contains(r, "average line") {
		t.Errorf("packed.js skip reason %q", r)
	}
}

func TestWalkFileFields(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/x.tsx": "1;\n", "tool.py": "print(1)\n"})
	if err := os.Chmod(filepath.Join(dir, "tool.py"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 2 {
		t.Fatalf("files %q", paths(res.Files))
	}
	x, py := res.Files[0], res.Files[1]
	if x.Path != "a/x.tsx" || x.Lang != source.TypeScript || !x.TSX || x.Abs != filepath.Join(dir, "a", "x.tsx") || string(x.Src) != "1;\n" {
		t.Errorf("tsx file %+v", x)
	}
	if py.Lang != source.Python || py.Mode != 0o755 || py.Module != source.ModuleNone {
		t.Errorf("python file %+v", py)
	}

	// A single file as root: its path is its name.
	res, err = Walk(context.Background(), filepath.Join(dir, "tool.py"), Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res.Files); !reflect.DeepEqual(got, []string{"tool.py"}) {
		t.Errorf("single file: %q", got)
	}
	// The runtime file is never returned, even when named.
	writeTree(t, dir, map[string]string{"_telemetry_utils.js": "1;\n", "notes.txt": "x"})
	res, _ = Walk(context.Background(), filepath.Join(dir, "_telemetry_utils.js"), Options{Languages: testLanguages})
	if len(res.Files) != 0 {
		t.Errorf("runtime file returned: %q", paths(res.Files))
	}
	res, _ = Walk(context.Background(), filepath.Join(dir, "notes.txt"), Options{Languages: testLanguages})
	if len(res.Files) != 0 || len(res.Skipped) != 1 {
		t.Errorf("notes.txt: %+v", res)
	}
}

func TestWalkGitignoreAndExclude(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".gitignore":               "*.gen.py\n/top_only.py\ngenerated/\n!keep.gen.py\n",
		"top_only.py":              "1\n",
		"sub/top_only.py":          "1\n",
		"a.gen.py":                 "1\n",
		"keep.gen.py":              "1\n",
		"generated/x.py":           "1\n",
		"sub/.gitignore":           "!a.gen.py\nlocal.py\n",
		"sub/a.gen.py":             "1\n",
		"sub/local.py":             "1\n",
		"local.py":                 "1\n",
		"sub/deep/x/skipme.js":     "1;\n",
		"sub/deep/y/z/skipme.js":   "1;\n",
		"tests/test_a.py":          "1\n",
		"tests/fixtures/data.py":   "1\n",
		"generated_not_dir/ok.py":  "1\n",
		"sub/deep/x/not_skipme.js": "1;\n",
	})
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages, Exclude: []string{"sub/deep/**/skipme.js", "tests/", "!tests/fixtures"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"generated_not_dir/ok.py", "keep.gen.py", "local.py", "sub/a.gen.py", "sub/deep/x/not_skipme.js", "sub/top_only.py"}
	if got := paths(res.Files); !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n got %q\nwant %q", got, want)
	}

	// Include keeps matching files and everything below matching folders.
	res, err = Walk(context.Background(), dir, Options{Languages: testLanguages, Include: []string{"sub/deep", "keep.*"}})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"keep.gen.py", "sub/deep/x/not_skipme.js", "sub/deep/x/skipme.js", "sub/deep/y/z/skipme.js"}
	if got := paths(res.Files); !reflect.DeepEqual(got, want) {
		t.Errorf("include:\n got %q\nwant %q", got, want)
	}

	if _, err := Walk(context.Background(), dir, Options{Languages: testLanguages, Exclude: []string{"[bad"}}); err == nil {
		t.Error("a malformed --exclude pattern must be an error")
	}
}

func TestWalkParentGitignore(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".git/HEAD":         "ref: refs/heads/main\n",
		".git/info/exclude": "local_*.py\n",
		".gitignore":        "src/gen/\n!src/local_keep.py\n",
		"src/app.py":        "1\n",
		"src/gen/made.py":   "1\n",
		"src/local_tmp.py":  "1\n",
		"src/local_keep.py": "1\n",
		"src/vendor/v.py":   "1\n",
	})
	res, err := Walk(context.Background(), filepath.Join(dir, "src"), Options{Languages: testLanguages, Exclude: []string{"./vendor"}})
	if err != nil {
		t.Fatal(err)
	}
	// info/exclude ignores local_*.py, the .gitignore (higher precedence)
	// takes local_keep.py back, and "./vendor" is anchored at the root.
	if got := paths(res.Files); !reflect.DeepEqual(got, []string{"app.py", "local_keep.py"}) {
		t.Errorf("files %q: the work tree's ignore files apply to a scanned subfolder", got)
	}
	res, _ = Walk(context.Background(), filepath.Join(dir, "src"), Options{Languages: testLanguages, NoGitignore: true})
	if len(res.Files) != 5 {
		t.Errorf("NoGitignore: %q", paths(res.Files))
	}
}

func TestWalkSymlinkedFolders(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeTree(t, dir, map[string]string{"real/a.py": "1\n", "other/b.py": "1\n"})
	writeTree(t, outside, map[string]string{"c.py": "1\n"})
	for link, target := range map[string]string{
		"aaa_first":   filepath.Join(dir, "real"), // sorts before real/: files still listed under real/
		"other/up":    dir,
		"other/again": filepath.Join(dir, "other"),
		"out":         outside,
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res.Files); !reflect.DeepEqual(got, []string{"other/b.py", "real/a.py"}) {
		t.Errorf("files %q", got)
	}
	sk := skipMap(res.Skipped)
	for _, p := range []string{"aaa_first", "other/up", "other/again"} {
		if !strings.Contains(sk[p], "already scanned") {
			t.Errorf("%s: %q", p, sk[p])
		}
	}
	if !strings.Contains(sk["out"], "outside") {
		t.Errorf("out: %q", sk["out"])
	}
}

func TestWalkCancelled(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.py": "1\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Walk(ctx, dir, Options{Languages: testLanguages}); err == nil {
		t.Error("want the context's error")
	}
}

// TestSizeLimitSparesInstrumentedFiles: instrumenting can grow a file past
// the limit, and --remove must still find it.
func TestSizeLimitSparesInstrumentedFiles(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("def f():\n    pass\n", 20)
	for name, src := range map[string]string{
		"ours.py":  "from _telemetry_utils import __ti_span__\n" + body,
		"plain.py": body,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages, MaxSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res.Files); !reflect.DeepEqual(got, []string{"ours.py"}) {
		t.Fatalf("files %q, want only the instrumented one", got)
	}
	if r := skipMap(res.Skipped)["plain.py"]; !strings.Contains(r, "too large") {
		t.Fatalf("plain.py: %q", r)
	}
}

// TestWalkKeepsInstrumentedOneLiners checks that a one-line file short
// enough to be instrumented (dayjs's locales: 1 KB of UMD on one line)
// is still read once the injected code has made its line look minified,
// so that --remove restores it instead of leaving the injected code in.
func TestWalkKeepsInstrumentedOneLiners(t *testing.T) {
	dir := t.TempDir()
	body := "!function(e){" + strings.Repeat("e.a=function(x){return x};", 40) + "}(this);"
	writeTree(t, dir, map[string]string{
		"locale/af.js":  `/*@ti{*/var __ti = require("../_telemetry_utils.js");/*}@ti*/` + "\n" + body + strings.Repeat("/*@ti{*/__ti.v();/*}@ti*/", 40),
		"locale/raw.js": body + strings.Repeat("e.b=1;", 200),
	})
	res, err := Walk(context.Background(), dir, Options{Languages: testLanguages})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paths(res.Files), []string{"locale/af.js"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files %q, want %q (skipped: %v)", got, want, res.Skipped)
	}
	if r := skipMap(res.Skipped)["locale/raw.js"]; !strings.Contains(r, "average line") {
		t.Errorf("raw.js skip reason %q, want the minified-bundle test", r)
	}
}

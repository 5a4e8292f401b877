package javascript

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNamesFromPackageAndCallbacks checks QualNames of files inside an npm
// package: the package name plus the path inside it, as it is imported,
// and callbacks named after their route, event or callee, the same in
// every run and unchanged when an unrelated function is added above.
func TestNamesFromPackageAndCallbacks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"name": "@acme/api"}`))
	if err := os.MkdirAll(filepath.Join(dir, "lib", "router"), 0o755); err != nil {
		t.Fatal(err)
	}
	js, _ := languages(t, Options{NoNode: true})
	src := "function top() {}\nrouter.get('/users', (req, res) => res.end());\nbus.on('ready', () => {});\nmodule.exports = top;\n"
	names := func(rel, src string) []string {
		f := testFile(rel, []byte(src))
		f.Abs = filepath.Join(dir, filepath.FromSlash(rel))
		cs, err := js.Find(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.QualName)
		}
		return out
	}
	got := strings.Join(names("lib/router/index.js", src), " | ")
	want := "@acme/api/lib/router.top | @acme/api/lib/router.GET /users | @acme/api/lib/router.on ready"
	if got != want {
		t.Errorf("names:\n got %s\nwant %s", got, want)
	}
	edited := "function added() {}\n" + src
	if again := strings.Join(names("lib/router/index.js", edited)[1:], " | "); again != want {
		t.Errorf("names after an unrelated edit:\n got %s\nwant %s", again, want)
	}
	if got := names("main.js", src)[0]; got != "@acme/api/main.top" {
		t.Errorf("root file: %s", got)
	}
}

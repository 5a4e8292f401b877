package javascript

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWithSandboxRunsTheSame runs a sloppy script whose `with` object is a
// Proxy claiming nearly every name, before and after instrumentation, with
// the test runtime beside it: an injected line inside the `with` body would
// look __ti up on the sandbox, get undefined and throw.
func TestWithSandboxRunsTheSame(t *testing.T) {
	node := needNode(t)
	js, _ := languages(t, Options{})
	f := readTestFile(t, "testdata/golden/with_sandbox.js")
	out, _, err := instrument(js, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	runtime, err := os.ReadFile("testdata/runtime/_telemetry_utils.cjs")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "_telemetry_utils.js"), runtime)
	writeFile(t, filepath.Join(dir, "main.js"), []byte(`console.log(require("./with_sandbox.js")(["a", "b"], {}))`+"\n"))
	var want string
	for i, code := range [][]byte{f.Src, out} {
		writeFile(t, filepath.Join(dir, "with_sandbox.js"), code)
		got, stderr, err := runNode(t, node, dir, "main.js")
		if err != nil {
			t.Fatalf("node main.js (instrumented %v): %v\n%s", i == 1, err, stderr)
		}
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("instrumented prints %q, the original %q", got, want)
		}
	}
	if want != "a!,b!:b\n" {
		t.Errorf("the original prints %q: the fixture no longer routes names through the sandbox", want)
	}
}

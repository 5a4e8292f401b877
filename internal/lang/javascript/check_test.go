package javascript

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCheckerAgreesWithNodeCheck compares the long-lived checker with
// `node --check` on sources that one module system accepts and the other
// rejects, and on plain syntax errors.
func TestCheckerAgreesWithNodeCheck(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	sources := map[string]string{
		"plain":         "const a = 1;\nfunction f() { return a }\n",
		"syntax":        "const a = ;\n",
		"return":        "return 1;\n",
		"await":         "await Promise.resolve(1);\n",
		"import":        "import fs from 'fs';\nconsole.log(fs);\n",
		"with":          "with (Math) { floor(1) }\n",
		"octal":         "var x = 010;\n",
		"hashbang":      "#!/usr/bin/env node\nconsole.log(1)\n",
		"bom":           "\ufeffconsole.log(1)\n",
		"dupParam":      "function f(a, a) {}\n",
		"superOutside":  "super.x();\n",
		"newTarget":     "new.target;\n",
		"importMeta":    "console.log(import.meta.url);\n",
		"letLet":        "let let = 1;\n",
		"unicodeEscape": "var \\u0061 = 1;\n",
		"closeBrace":    "});\n(function(){\n",
		"exportDup":     "export const a = 1; export { a };\n",
		"yieldIdent":    "var yield = 1;\n",
	}
	c := newNodeChecker(node)
	defer c.Close()
	dir := t.TempDir()
	for name, src := range sources {
		for _, ext := range []string{".cjs", ".mjs"} {
			p := filepath.Join(dir, name+ext)
			if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			want := exec.Command(node, "--check", p).Run() == nil
			got := c.Check(bg, []byte(src), ext == ".mjs")
			if (got == nil) != want {
				t.Errorf("%s%s: checker says %v, node --check accepts=%v", name, ext, got, want)
			}
		}
	}
}

// TestCheckerRestartsAfterDeath kills the checker process and checks that
// the next request starts a new one.
func TestCheckerRestartsAfterDeath(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	c := newNodeChecker("")
	defer c.Close()
	if err := c.Check(bg, []byte("let a = 1"), false); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	_ = c.proc.cmd.Process.Kill()
	c.mu.Unlock()
	// The first request after the death may fail; the one after must work.
	_ = c.Check(bg, []byte("let a = 1"), false)
	if err := c.Check(bg, []byte("let a = 1"), false); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if err := c.Check(bg, []byte("let a = "), false); err == nil {
		t.Fatal("a syntax error passed after a restart")
	}
}

// TestCheckerConcurrentUse validates from several goroutines at once, as
// the pipeline does, and expects every answer to belong to its request.
func TestCheckerConcurrentUse(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	js, _ := languages(t, Options{})
	good := []byte("module.exports = function (a) { return a }\n")
	bad := []byte("const a = 1; const a = 2; module.exports = a\n")
	f := testFile("c.js", good)
	errs := make(chan string, 40)
	for i := range 40 {
		go func() {
			src, wantOK := good, true
			if i%3 == 0 {
				src, wantOK = bad, false
			}
			err := js.Validate(bg, f, src)
			if (err == nil) != wantOK {
				errs <- "request " + strconv.Itoa(i) + " answered wrongly"
				return
			}
			errs <- ""
		}()
	}
	for range 40 {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}

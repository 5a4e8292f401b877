package python

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// stdlibDir returns the Python standard library's folder, or skips.
func stdlibDir(t testing.TB) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
	if err != nil {
		t.Fatalf("asking python3 for its standard library: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// stdlibFiles lists the standard library's .py files, leaving out installed
// packages and the test data that is broken on purpose.
func stdlibFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are not ours to judge
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case d.Name() == "site-packages", d.Name() == "__pycache__",
				strings.HasPrefix(rel, "lib2to3/tests/data"), rel == "test/encoded_modules", rel == "test/tokenizedata":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".py") || strings.HasPrefix(name, "badsyntax_") || strings.HasPrefix(name, "bad_coding") {
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

type corpusCounts struct {
	files, instrumented, unparsed, notCompiling, nonUTF8 int
	constructs, skipped                                  int
	failures                                             []string
	unparsedFiles                                        []string
	bytes                                                int64
}

// TestStdlibCorpus instruments every construct of every standard library
// module (read in place, never written) and checks that each output that
// compiled before still validates and compiles, and strips back to the
// original bytes.
func TestStdlibCorpus(t *testing.T) {
	dir := stdlibDir(t)
	files := stdlibFiles(t, dir)
	if testing.Short() {
		var sample []string
		for i := 0; i < len(files); i += 10 {
			sample = append(sample, files[i])
		}
		files = sample
	}
	// Output is checked by the layout check and CPython's compiler, which
	// is stricter than a second tree-sitter parse and half its cost.
	l := newTestLanguage(t, Options{NoCompile: true})
	cc := newCompilerPool(needPython(t), runtime.GOMAXPROCS(0))
	defer cc.close()
	ctx := context.Background()
	start := time.Now()
	var (
		mu  sync.Mutex
		cnt corpusCounts
		wg  sync.WaitGroup
	)
	work := make(chan string)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				res := corpusFile(ctx, l, cc, dir, p)
				mu.Lock()
				cnt.add(res)
				mu.Unlock()
			}
		}()
	}
	for _, p := range files {
		work <- p
	}
	close(work)
	wg.Wait()
	t.Logf("stdlib %s: %d files (%.1f MB), %d instrumented, %d constructs (%d skipped), %d not parsed by tree-sitter, %d not compiling before, %d non-UTF-8, %d failures, %s",
		dir, cnt.files, float64(cnt.bytes)/1e6, cnt.instrumented, cnt.constructs, cnt.skipped, cnt.unparsed, cnt.notCompiling, cnt.nonUTF8, len(cnt.failures), time.Since(start).Round(time.Millisecond))
	for _, f := range cnt.unparsedFiles {
		t.Logf("not parsed by tree-sitter: %s", f)
	}
	for i, f := range cnt.failures {
		if i == 20 {
			t.Errorf("... and %d more", len(cnt.failures)-20)
			break
		}
		t.Error(f)
	}
	if cnt.instrumented == 0 {
		t.Error("no file was instrumented")
	}
}

type corpusResult struct {
	nonUTF8, unparsed, notCompiling, instrumented bool
	constructs, skipped                           int
	failure                                       string
	bytes                                         int
}

func (c *corpusCounts) add(r corpusResult) {
	c.files++
	c.bytes += int64(r.bytes)
	c.constructs += r.constructs
	c.skipped += r.skipped
	switch {
	case r.nonUTF8:
		c.nonUTF8++
	case r.unparsed:
		c.unparsed++
		c.unparsedFiles = append(c.unparsedFiles, r.failure)
	case r.notCompiling:
		c.notCompiling++
	case r.failure != "":
		c.failures = append(c.failures, r.failure)
	case r.instrumented:
		c.instrumented++
	}
}

func corpusFile(ctx context.Context, l languageUnderTest, cc *compilerPool, dir, p string) corpusResult {
	var r corpusResult
	src, err := os.ReadFile(p)
	if err != nil {
		return corpusResult{failure: err.Error()}
	}
	r.bytes = len(src)
	if !utf8.Valid(src) {
		r.nonUTF8 = true
		return r
	}
	rel, _ := filepath.Rel(dir, p)
	rel = filepath.ToSlash(rel)
	out, cs, err := instrument(l, rel, src, "_telemetry_utils")
	if err != nil {
		r.unparsed = strings.Contains(err.Error(), "syntax error")
		r.failure = rel + ": " + err.Error()
		return r
	}
	r.constructs = len(cs)
	for _, c := range cs {
		if c.Skip != "" {
			r.skipped++
		}
	}
	err = CheckLayout(out)
	if err == nil {
		err = cc.compile(ctx, rel, out)
	}
	if err != nil {
		switch {
		case CheckLayout(src) != nil:
			r.failure = rel + ": the layout check rejects the original: " + CheckLayout(src).Error()
		case cc.compile(ctx, rel, src) != nil:
			r.notCompiling = true
		default:
			r.failure = rel + ": instrumented output does not compile: " + err.Error()
		}
		return r
	}
	if back, n, _ := l.Strip(out); !bytes.Equal(back, src) {
		r.failure = rel + ": Strip does not give back the original (" + itoa(n) + " pieces removed)"
		return r
	}
	r.instrumented = true
	return r
}

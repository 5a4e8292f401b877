package javascript

import (
	"bytes"
	"encoding/json"
	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// corpusPackages are installed from npm at test time: real JavaScript
// (CommonJS and ESM) and, from rxjs's src folder, real TypeScript.
var corpusPackages = []string{"express@4", "lodash@4", "typescript@5", "rxjs@7"}

// maxCorpusFile skips files larger than this, but for typescript.js.
const maxCorpusFile = 2 << 20

// npmCorpus installs corpusPackages once and returns node_modules.
func npmCorpus(t *testing.T) string {
	t.Helper()
	return filepath.Join(npmtest.Install(t, corpusPackages...), "node_modules")
}

// TestCorpus instruments every construct of every JavaScript file in the
// npm corpus (and rxjs's TypeScript sources): each output must pass
// Validate (node's compiler for JavaScript) and strip back to the input.
func TestCorpus(t *testing.T) {
	modules := npmCorpus(t)
	js, ts := languages(t, Options{})
	types := map[string]source.Module{}
	var files, tsFiles, constructs, skipped, unparsed, preBroken, kb int
	i := 0
	err := filepath.WalkDir(modules, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(p)
		isTS := (ext == ".ts" || ext == ".mts" || ext == ".cts") && !isDeclarationFile(p)
		if !isTS && ext != ".js" && ext != ".cjs" && ext != ".mjs" || strings.HasSuffix(p, ".min.js") {
			return nil
		}
		i++
		if testing.Short() && i%10 != 0 {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// Of the few huge files only typescript.js (~9 MB) is kept, and
		// only in a full run: it shows how the tool copes with size.
		if len(src) > maxCorpusFile && (testing.Short() || filepath.Base(p) != "typescript.js") {
			return nil
		}
		rel, _ := filepath.Rel(modules, p)
		f := testFile(filepath.ToSlash(rel), src)
		if f.Module == source.ModuleNone && f.Lang == source.JavaScript {
			f.Module = packageType(types, filepath.Dir(p))
		}
		l := pick(f, js, ts)
		out, cs, err := instrument(l, f, testDecision)
		if err != nil {
			unparsed++
			return nil
		}
		files++
		kb += len(src)
		if isTS {
			tsFiles++
		}
		constructs += len(cs)
		for _, c := range cs {
			if c.Skip != "" {
				skipped++
			}
		}
		if err := l.Validate(bg, f, out); err != nil {
			if l.Validate(bg, f, src) != nil {
				preBroken++ // node rejects the original too (say, ESM in a CommonJS package)
				return nil
			}
			t.Errorf("%s: %v", rel, err)
		}
		if back, _, _ := Strip(out); !bytes.Equal(back, src) {
			t.Errorf("%s: Strip does not give back the original", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus: %d files (%d TypeScript, %.1f MB), %d constructs (%d skipped), %d files not parsed cleanly before, %d rejected by node before",
		files, tsFiles, float64(kb)/1e6, constructs, skipped, unparsed, preBroken)
	if files == 0 || tsFiles == 0 {
		t.Fatalf("the corpus held %d files, %d of them TypeScript", files, tsFiles)
	}
}

// packageType returns the module system package.json "type" gives the
// files of dir, as the scanner decides it.
func packageType(cache map[string]source.Module, dir string) source.Module {
	if m, ok := cache[dir]; ok {
		return m
	}
	m := source.ModuleCommonJS
	if b, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
		var pkg struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(b, &pkg) == nil && pkg.Type == "module" {
			m = source.ModuleESM
		}
	} else if parent := filepath.Dir(dir); parent != dir {
		m = packageType(cache, parent)
	}
	cache[dir] = m
	return m
}

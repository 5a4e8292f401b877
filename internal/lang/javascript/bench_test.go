package javascript

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// benchFiles returns the JavaScript files to measure: the golden inputs,
// plus lodash's sources when the npm corpus is already cached.
func benchFiles(b *testing.B) []*source.File {
	var paths []string
	paths, _ = filepath.Glob("testdata/golden/*.js")
	if cache, err := os.UserCacheDir(); err == nil {
		more, _ := filepath.Glob(filepath.Join(cache, "telemetry-inject-test", "npm-*", "node_modules", "lodash", "*.js"))
		paths = append(paths, more...)
	}
	var files []*source.File
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		f := testFile(filepath.Base(p), src)
		f.Module = source.ModuleCommonJS
		files = append(files, f)
	}
	return files
}

func totalSize(files []*source.File) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Src))
	}
	return n
}

// BenchmarkFind measures Find (parse plus construct search) in MB/s.
func BenchmarkFind(b *testing.B) {
	files := benchFiles(b)
	js, _ := languages(b, Options{NoNode: true})
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			if _, err := js.Find(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParse is the raw tree-sitter parse of the same files, the floor
// BenchmarkFind is compared with.
func BenchmarkParse(b *testing.B) {
	files := benchFiles(b)
	p := treesitter.NewParser(treesitter.JavaScript, 2)
	defer p.Close()
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			tree, err := p.Parse(bg, f.Src)
			if err != nil {
				b.Fatal(err)
			}
			tree.Close()
		}
	}
}

// BenchmarkInstrument measures Find, Render, Import, Apply and Validate
// (tree-sitter only) together, in MB/s.
func BenchmarkInstrument(b *testing.B) {
	files := benchFiles(b)
	js, _ := languages(b, Options{NoNode: true})
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			out, _, err := instrument(js, f, testDecision)
			if err != nil {
				b.Fatal(err)
			}
			if err := js.Validate(bg, f, out); err != nil {
				b.Fatal(err)
			}
		}
	}
}

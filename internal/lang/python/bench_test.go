package python

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// benchFiles reads a few large, varied standard library modules.
func benchFiles(b *testing.B) []*source.File {
	dir := stdlibDir(b)
	var files []*source.File
	for _, rel := range []string{"typing.py", "argparse.py", "asyncio/base_events.py", "json/decoder.py", "dataclasses.py", "inspect.py"} {
		src, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			b.Fatalf("reading %s: %v", rel, err)
		}
		files = append(files, &source.File{Path: rel, Lang: source.Python, Src: src})
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

// BenchmarkFind measures construct finding, parse included.
func BenchmarkFind(b *testing.B) {
	files := benchFiles(b)
	l := newTestLanguage(b, Options{NoCompile: true})
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			if _, err := l.Find(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParse is the raw tree-sitter parse of the same files, the floor
// BenchmarkFind is measured against.
func BenchmarkParse(b *testing.B) {
	files := benchFiles(b)
	p := treesitter.NewParser(treesitter.Python, 1)
	defer p.Close()
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			tree, err := p.Parse(context.Background(), f.Src)
			if err != nil {
				b.Fatal(err)
			}
			tree.Close()
		}
	}
}

// BenchmarkInstrument measures find, render, apply, the layout check and
// Strip: everything but the compiler, which is CPython's time, not ours.
func BenchmarkInstrument(b *testing.B) {
	files := benchFiles(b)
	l := newTestLanguage(b, Options{NoCompile: true})
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			out, _, err := instrument(l, f.Path, f.Src, "_telemetry_utils")
			if err != nil {
				b.Fatal(err)
			}
			if err := CheckLayout(out); err != nil {
				b.Fatal(err)
			}
			l.Strip(out)
		}
	}
}

// BenchmarkCheckLayout measures the layout check alone.
func BenchmarkCheckLayout(b *testing.B) {
	files := benchFiles(b)
	b.SetBytes(totalSize(files))
	for b.Loop() {
		for _, f := range files {
			if err := CheckLayout(f.Src); err != nil {
				b.Fatal(err)
			}
		}
	}
}

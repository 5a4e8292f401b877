package otelcolcheck

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// sharedLayout is one language's application and library under
// testdata/shared, and how they are laid out, instrumented and run.
type sharedLayout struct {
	dir, interp string
	// copies maps testdata folders to where they go in the work folder.
	copies map[string]string
	// roots are the folders instrumented, each on its own, as a user
	// instruments an application and, apart, a library.
	roots []string
	// env and args run the application from the work folder.
	env  func(work string) []string
	args []string
}

var sharedLayouts = []sharedLayout{
	{dir: "py", interp: "python3",
		copies: map[string]string{"app_root": "app_root", "lib_root": "lib_root"},
		roots:  []string{"app_root", "lib_root"},
		env: func(work string) []string {
			return []string{"PYTHONPATH=" + filepath.Join(work, "app_root") + string(filepath.ListSeparator) + filepath.Join(work, "lib_root")}
		},
		args: []string{"-m", "books.report"}},
	{dir: "js", interp: "node",
		copies: map[string]string{"app": ".", "shelf": "node_modules/shelf"},
		roots:  []string{".", "node_modules/shelf"},
		env:    func(string) []string { return nil },
		args:   []string{"report.js"}},
}

// TestCopiesShareOneTraceAtACollector instruments an application and the
// library it uses apart (Python: two sys.path roots; JavaScript: an ES
// module app and a CommonJS package in node_modules), so that each imports
// its own runtime copy, runs the application exporting to the Collector's
// OTLP receiver, and checks that the library's spans arrive as children of
// the application's span that called them, in its trace.
func TestCopiesShareOneTraceAtACollector(t *testing.T) {
	bin := toolBinary(t)
	for _, l := range sharedLayouts {
		t.Run(l.dir, func(t *testing.T) {
			interp, err := exec.LookPath(l.interp)
			if err != nil {
				t.Skipf("%s is not on PATH", l.interp)
			}
			work := t.TempDir()
			for from, to := range l.copies {
				copyTree(t, filepath.Join("testdata", "shared", l.dir, from), filepath.Join(work, to))
			}
			want := runProgram(t, work, l.env(work), interp, l.args...)
			for _, root := range l.roots {
				runProgram(t, work, nil, bin, filepath.Join(work, root), "--density", "high")
			}
			if n := runtimeCopies(t, work); n != 2 {
				t.Fatalf("%d runtime copies in the work folder, want 2 (one per instrumented root)", n)
			}
			c := startCollector(t)
			got := runProgram(t, work, append(l.env(work), "OTEL_EXPORTER_OTLP_ENDPOINT="+c.Endpoint), interp, l.args...)
			if got != want {
				t.Errorf("the instrumented program printed\n%s\nthe original\n%s", got, want)
			}
			checkShared(t, c.take())
		})
	}
}

// checkShared checks that each price span is a child of the report span,
// in its trace.
func checkShared(t *testing.T, batches []ptrace.Traces) {
	t.Helper()
	var report ptrace.Span
	var prices []ptrace.Span
	for _, td := range batches {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					switch fn := str(s.Attributes(), "code.function.name"); {
					case strings.HasSuffix(fn, "report"):
						report = s
					case strings.HasSuffix(fn, "price"):
						prices = append(prices, s)
					}
				}
			}
		}
	}
	if report.SpanID().IsEmpty() || len(prices) != 3 {
		t.Fatalf("received a report span: %v, %d price spans; want one and 3", !report.SpanID().IsEmpty(), len(prices))
	}
	for _, p := range prices {
		if p.ParentSpanID() != report.SpanID() || p.TraceID() != report.TraceID() {
			t.Errorf("price span %s: parent %s in trace %s; want the report span %s in trace %s",
				p.SpanID(), p.ParentSpanID(), p.TraceID(), report.SpanID(), report.TraceID())
		}
	}
}

// runtimeCopies counts the runtime files under dir.
func runtimeCopies(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "_telemetry_utils.") && !strings.HasSuffix(p, ".d.ts") {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
}

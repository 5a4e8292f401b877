package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decision"
	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/layout"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// toyLanguage is a line language just rich enough to drive the pipeline:
// "def NAME" lines are functions, "BROKEN" makes a file fail to parse, and
// a decision named "invalid" renders output its validator rejects.
func toyLanguage() *lang.Language {
	marker := regexp.MustCompile(`(?m)^@ti .*\n`)
	l := &lang.Language{
		Name:            source.Python,
		Extensions:      []string{".py"},
		RuntimePrefixes: []string{lang.RuntimeFilePrefix},
		RuntimeNames:    []string{"_telemetry_utils.py"},
		RuntimeMarker:   lang.RuntimeModule,
		RuntimeBodies:   [][]byte{[]byte("# runtime by telemetry-inject\n")},
		LineComment:     "#",
		Find: func(f *source.File) ([]source.Construct, error) {
			if bytes.Contains(f.Src, []byte("BROKEN")) {
				return nil, errors.New("syntax error at 1:1")
			}
			var out []source.Construct
			off := 0
			for i, line := range strings.SplitAfter(string(f.Src), "\n") {
				if name, ok := strings.CutPrefix(strings.TrimSpace(line), "def "); ok {
					c := source.Construct{Kind: source.Function, Name: name, QualName: name, Path: f.Path,
						Range:  source.Range{Start: off, End: off + len(line), StartLine: i + 1, EndLine: i + 1},
						Anchor: source.Anchor{Before: off}}
					if strings.Contains(line, "#skip") {
						c.Skip = "opted out"
					}
					if strings.Contains(line, "#serialized") {
						c.Serialized = "runs elsewhere as text"
					}
					out = append(out, c)
				}
				off += len(line)
			}
			return out, nil
		},
		Render: func(f *source.File, c *source.Construct, d source.Decision) []inject.Edit {
			return []inject.Edit{{At: c.Anchor.Before, New: "@ti span " + d.Name + "\n"}}
		},
		Import: func(f *source.File, spec string) inject.Edit {
			return inject.Edit{At: 0, New: "@ti import " + spec + "\n"}
		},
		Strip: func(src []byte) ([]byte, int, error) {
			// "@ti-wrapped" stands for injected code a formatter rewrapped.
			if i := bytes.Index(src, []byte("@ti-wrapped")); i >= 0 {
				return nil, 0, fmt.Errorf("line %d: injected code was reformatted", bytes.Count(src[:i], []byte("\n"))+1)
			}
			n := len(marker.FindAll(src, -1))
			return marker.ReplaceAll(src, nil), n, nil
		},
		Validate: func(_ context.Context, _ *source.File, out []byte) error {
			if bytes.Contains(out, []byte("span invalid")) {
				return errors.New("bad output")
			}
			return nil
		},
	}
	// The runtime, named as RuntimeNames says, goes beside each file and
	// holds RuntimeBodies[0], both read when placing so tests may change
	// them.
	l.Place = lang.PlaceEach(func(f *source.File) layout.Placement {
		return layout.Placement{
			RuntimePath: path.Join(path.Dir(f.Path), l.RuntimeNames[0]),
			Spec:        lang.RuntimeModule,
			Content:     string(l.RuntimeBodies[0]),
		}
	})
	return l
}

type namingDecider struct{}

func (namingDecider) Decide(ctx context.Context, jobs []decision.Job, done func(int, decision.Decided)) {
	for i, j := range jobs {
		done(i, decision.Decided{Decision: source.Decision{Name: j.Construct.Name}, Origin: source.OriginBuiltin})
	}
}

func writeTree(t *testing.T, files map[string]string) (string, []source.File) {
	t.Helper()
	root := t.TempDir()
	var out []source.File
	for name, body := range files {
		abs := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
		out = append(out, source.File{Path: name, Abs: abs, Lang: source.Python, Src: []byte(body), Mode: 0o640})
	}
	return root, out
}

func reread(t *testing.T, files []source.File) []source.File {
	t.Helper()
	out := make([]source.File, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f.Abs)
		if err != nil {
			t.Fatal(err)
		}
		f.Src = b
		out[i] = f
	}
	return out
}

func options(root string, files []source.File) Options {
	return Options{
		Root: root, Files: files,
		Languages: map[source.Language]*lang.Language{source.Python: toyLanguage()},
		Decider:   namingDecider{},
		// The toy language's functions are one line long: only the
		// highest density gives them spans.
		Policy: decide.Policy{Density: decide.High},
	}
}

func read(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunInstrumentsIdempotentlyAndRemoveRestores(t *testing.T) {
	orig := map[string]string{
		"a.py":      "def one\nx\ndef two #skip\n",
		"plain.py":  "nothing here\n",
		"broken.py": "BROKEN\ndef f\n",
	}
	root, files := writeTree(t, orig)
	rep, err := Run(context.Background(), options(root, files))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := read(t, root, "a.py"), "@ti import _telemetry_utils\n@ti span one\ndef one\nx\ndef two #skip\n"; got != want {
		t.Fatalf("a.py = %q, want %q", got, want)
	}
	if got := read(t, root, "_telemetry_utils.py"); !strings.Contains(got, "runtime") {
		t.Fatalf("runtime file not written: %q", got)
	}
	if info, _ := os.Stat(filepath.Join(root, "a.py")); info.Mode().Perm() != 0o640 {
		t.Fatalf("mode changed to %v", info.Mode().Perm())
	}
	want := map[Status]int{StatusInstrumented: 1, StatusUnchanged: 1, StatusSkipped: 1}
	for s, n := range want {
		if rep.ByStatus[s] != n {
			t.Errorf("%s files = %d, want %d (report %+v)", s, rep.ByStatus[s], n, rep.ByStatus)
		}
	}
	if c := rep.Constructs[source.Function]; c[OutcomeBuiltin] != 1 || c[OutcomeSkipped] != 1 {
		t.Errorf("function outcomes = %v", c)
	}

	// A second run changes nothing.
	again, err := Run(context.Background(), options(root, reread(t, files)))
	if err != nil {
		t.Fatal(err)
	}
	if again.ByStatus[StatusInstrumented] != 0 || again.ByStatus[StatusUnchanged] != 2 {
		t.Fatalf("second run changed files: %+v", again.ByStatus)
	}

	// Removal gives back the original bytes and the runtime file goes.
	if _, err := Remove(context.Background(), options(root, reread(t, files))); err != nil {
		t.Fatal(err)
	}
	for name, body := range orig {
		if got := read(t, root, name); got != body {
			t.Errorf("%s after remove = %q, want %q", name, got, body)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "_telemetry_utils.py")); !os.IsNotExist(err) {
		t.Errorf("runtime file still there after remove: %v", err)
	}
}

func TestInvalidOutputLeavesFileUntouched(t *testing.T) {
	root, files := writeTree(t, map[string]string{"a.py": "def invalid\n", "b.py": "def fine\n"})
	rep, err := Run(context.Background(), options(root, files))
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, root, "a.py"); got != "def invalid\n" {
		t.Fatalf("invalid output was written: %q", got)
	}
	if rep.ByStatus[StatusFailed] != 1 || rep.ByStatus[StatusInstrumented] != 1 {
		t.Fatalf("statuses = %+v", rep.ByStatus)
	}
}

func TestDryRunWritesNothingAndPrintsDiff(t *testing.T) {
	root, files := writeTree(t, map[string]string{"a.py": "def one\n"})
	var diff bytes.Buffer
	opts := options(root, files)
	opts.DryRun, opts.Diff = true, &diff
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := read(t, root, "a.py"); got != "def one\n" {
		t.Fatalf("dry run wrote the file: %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "_telemetry_utils.py")); !os.IsNotExist(err) {
		t.Fatal("dry run wrote the runtime file")
	}
	for _, want := range []string{"--- a/a.py", "+++ b/a.py", "+@ti span one", "--- /dev/null", "+++ b/_telemetry_utils.py"} {
		if !strings.Contains(diff.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, diff.String())
		}
	}
}

// cancellingDecider decides the first file's construct, then the run is
// interrupted before the second one's decision arrives.
type cancellingDecider struct{ cancel context.CancelFunc }

func (d cancellingDecider) Decide(ctx context.Context, jobs []decision.Job, done func(int, decision.Decided)) {
	for i, j := range jobs {
		if j.File.Path == "b.py" {
			d.cancel()
			return
		}
		done(i, decision.Decided{Decision: source.Decision{Name: j.Construct.Name}, Origin: source.OriginLLM})
	}
}

func TestInterruptedRunLeavesUndecidedFilesUntouched(t *testing.T) {
	root, files := writeTree(t, map[string]string{"a.py": "def one\n", "b.py": "def two\n"})
	// Files are processed in the order given; make it a.py, b.py.
	if files[0].Path != "a.py" {
		files[0], files[1] = files[1], files[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := options(root, files)
	opts.Decider = cancellingDecider{cancel: cancel}
	opts.Workers = 1
	var mu sync.Mutex
	var seen []string
	opts.OnFileDone = func(f FileReport) { mu.Lock(); seen = append(seen, f.Path+":"+string(f.Status)); mu.Unlock() }
	rep, err := Run(ctx, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := read(t, root, "b.py"); got != "def two\n" {
		t.Fatalf("undecided file was touched: %q", got)
	}
	for _, f := range rep.Files {
		if f.Path == "b.py" && f.Status != StatusNotProcessed {
			t.Fatalf("b.py status = %s, want %s (files seen %v)", f.Status, StatusNotProcessed, seen)
		}
	}
	if got := read(t, root, "a.py"); got != "def one\n" && !strings.HasPrefix(got, "@ti import") {
		t.Fatalf("a.py is neither untouched nor fully instrumented: %q", got)
	}
}

func TestFileThatDoesNotCompileAsItIsIsSkippedNotFailed(t *testing.T) {
	root, files := writeTree(t, map[string]string{"a.py": "def one\nspan invalid\n"})
	rep, err := Run(context.Background(), options(root, files))
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if f.Status != StatusSkipped || !strings.Contains(f.Reason, "does not compile as it is") {
		t.Fatalf("status %s, reason %q", f.Status, f.Reason)
	}
}

// TestDensityTrimsAndCountsLines checks that the policy applies to what the
// decider returned, that trimmed constructs are reported as such, and that
// the report carries the lines the run added against the source's lines.
func TestDensityTrimsAndCountsLines(t *testing.T) {
	orig := map[string]string{"a.py": "def one\nx\ndef two\ny\n", "plain.py": "nothing\nhere\n"}
	for _, tt := range []struct {
		density               decide.Density
		trimmed, instrumented int
		sourceLines, injected int
		wantDensity           float64
	}{
		{decide.Low, 2, 0, 6, 0, 0},
		{decide.High, 0, 2, 6, 3, 50},
	} {
		t.Run(tt.density.String(), func(t *testing.T) {
			root, files := writeTree(t, orig)
			opts := options(root, files)
			opts.Policy.Density = tt.density
			opts.DryRun, opts.Diff = true, &bytes.Buffer{}
			rep, err := Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			fn := rep.Constructs[source.Function]
			if fn[OutcomeTrimmed] != tt.trimmed || fn[OutcomeBuiltin] != tt.instrumented {
				t.Errorf("functions %v, want %d trimmed and %d instrumented", fn, tt.trimmed, tt.instrumented)
			}
			if rep.SourceLines != tt.sourceLines || rep.InjectedLines != tt.injected || rep.Density() != tt.wantDensity {
				t.Errorf("lines %d injected into %d (density %.1f), want %d into %d (%.1f)",
					rep.InjectedLines, rep.SourceLines, rep.Density(), tt.injected, tt.sourceLines, tt.wantDensity)
			}
		})
	}
}

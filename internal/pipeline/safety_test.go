package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// instrumented writes a tree and instruments it, returning the files as
// they are on disk afterwards.
func instrumented(t *testing.T, files map[string]string) (string, []source.File) {
	t.Helper()
	root, fs := writeTree(t, files)
	if _, err := Run(context.Background(), options(root, fs)); err != nil {
		t.Fatal(err)
	}
	return root, reread(t, fs)
}

func statusOf(rep *Report, path string) FileReport {
	for _, f := range rep.Files {
		if f.Path == path {
			return f
		}
	}
	return FileReport{}
}

func runtimeExists(root, rel string) bool {
	_, err := os.Stat(filepath.Join(root, rel))
	return err == nil
}

func TestStripRefusalLeavesTheFileAndTheRuntimeItImports(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n", "b.py": "def two\n"})
	mangled := read(t, root, "b.py") + "@ti-wrapped\n"
	if err := os.WriteFile(filepath.Join(root, "b.py"), []byte(mangled), 0o640); err != nil {
		t.Fatal(err)
	}
	fs = reread(t, fs)
	for _, op := range []func(context.Context, Options) (*Report, error){Run, Remove} {
		rep, err := op(context.Background(), options(root, fs))
		if err != nil {
			t.Fatal(err)
		}
		b := statusOf(rep, "b.py")
		if b.Status != StatusFailed || !strings.Contains(b.Reason, "injected code cannot be taken out exactly") || !strings.Contains(b.Reason, "line 4") {
			t.Fatalf("b.py: %+v", b)
		}
		if read(t, root, "b.py") != mangled {
			t.Fatal("b.py was written")
		}
	}
	if read(t, root, "a.py") != "def one\n" {
		t.Fatal("a.py not restored")
	}
	if !runtimeExists(root, "_telemetry_utils.py") {
		t.Fatal("the runtime b.py imports was deleted")
	}
}

func TestRemoveKeepsARuntimeThatAFailedOrUnscannedFileImports(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n", "ro.py": "def two\n", "pkg/c.py": "def three\n"})
	// ro.py cannot be restored (read-only, no --force); pkg/c.py is not
	// part of this removal (an --exclude, say).
	if err := os.Chmod(filepath.Join(root, "ro.py"), 0o444); err != nil {
		t.Fatal(err)
	}
	var scanned []source.File
	for _, f := range fs {
		if f.Path != "pkg/c.py" {
			scanned = append(scanned, f)
		}
	}
	rep, err := Remove(context.Background(), options(root, scanned))
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "ro.py"); f.Status != StatusFailed || !strings.Contains(f.Reason, "read-only") {
		t.Fatalf("ro.py: %+v", f)
	}
	if len(rep.RuntimesKept) != 1 || !rep.RuntimesKept[0].StillImported || !strings.Contains(rep.RuntimesKept[0].Reason, "still imported by pkg/c.py and 1 more") {
		t.Fatalf("kept %+v", rep.RuntimesKept)
	}
	if !runtimeExists(root, "_telemetry_utils.py") {
		t.Fatal("runtime deleted")
	}

	if err := os.Chmod(filepath.Join(root, "ro.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Remove(context.Background(), options(root, reread(t, fs))); err != nil {
		t.Fatal(err)
	}
	if runtimeExists(root, "_telemetry_utils.py") {
		t.Fatal("runtime kept although nothing imports it")
	}
}

func TestAUsersFileOfTheRuntimesNameIsNeverTouched(t *testing.T) {
	mine := "# my helpers; I also use telemetry-inject elsewhere\n"
	root, _ := writeTree(t, map[string]string{"a.py": "def one\n", "b.py": "def two\n", "_telemetry_utils.py": mine})
	var fs []source.File // the scan never lists runtime files
	for _, name := range []string{"a.py", "b.py"} {
		fs = append(fs, source.File{Path: name, Abs: filepath.Join(root, name), Lang: source.Python})
	}
	fs = reread(t, fs)
	opts := options(root, fs)
	opts.Workers = 1 // the second file asks after the first was refused
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.py", "b.py"} {
		if f := statusOf(rep, name); f.Status != StatusFailed || !strings.Contains(f.Reason, "not telemetry-inject's runtime file") {
			t.Fatalf("%s: %+v", name, f)
		}
	}
	if _, err := Remove(context.Background(), options(root, fs)); err != nil {
		t.Fatal(err)
	}
	if read(t, root, "_telemetry_utils.py") != mine || read(t, root, "a.py") != "def one\n" || read(t, root, "b.py") != "def two\n" {
		t.Fatal("the user's file was touched")
	}
}

func TestAMissingOrOutdatedRuntimeIsWrittenBack(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n"})
	rt := filepath.Join(root, "_telemetry_utils.py")
	if err := os.Remove(rt); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), options(root, fs))
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusUnchanged || !strings.Contains(f.Reason, "written again") || !runtimeExists(root, "_telemetry_utils.py") {
		t.Fatalf("missing runtime not repaired: %+v", f)
	}

	opts := options(root, fs)
	opts.Languages[source.Python].RuntimeBodies = [][]byte{[]byte("# runtime, version 2\n")}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := read(t, root, "_telemetry_utils.py"); !strings.HasSuffix(got, "# runtime, version 2\n") || !ownRuntime([]byte(got)) {
		t.Fatalf("outdated runtime not replaced: %q", got)
	}
}

func TestAFileEditedDuringTheRunIsNotWritten(t *testing.T) {
	root, fs := writeTree(t, map[string]string{"a.py": "def one\n", "b.py": "def two\n"})
	edited := "def one\n# saved by the editor\n"
	if err := os.WriteFile(filepath.Join(root, "a.py"), []byte(edited), 0o640); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), options(root, fs)) // fs holds what was read before the edit
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusChanged || read(t, root, "a.py") != edited {
		t.Fatalf("a.py: %+v, content %q", f, read(t, root, "a.py"))
	}
	if statusOf(rep, "b.py").Status != StatusInstrumented {
		t.Fatal("b.py not instrumented")
	}
	// The next run picks the edited file up.
	rep, err = Run(context.Background(), options(root, reread(t, fs)))
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusInstrumented {
		t.Fatalf("next run: %+v", f)
	}
}

// TestAFileDeletedDuringTheRunIsNotWritten: a file deleted (or moved
// away) between its read and its write is not created again, and is
// reported as changed during the run, not as a failure to write.
func TestAFileDeletedDuringTheRunIsNotWritten(t *testing.T) {
	root, fs := writeTree(t, map[string]string{"a.py": "def one\n", "b.py": "def two\n"})
	if err := os.Remove(filepath.Join(root, "a.py")); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), options(root, fs)) // fs holds what was read before the delete
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusChanged || !strings.Contains(f.Reason, "deleted") {
		t.Fatalf("a.py: %+v", f)
	}
	if _, err := os.Lstat(filepath.Join(root, "a.py")); !os.IsNotExist(err) {
		t.Fatalf("a deleted file was created again: %v", err)
	}
	if statusOf(rep, "b.py").Status != StatusInstrumented {
		t.Fatal("b.py not instrumented")
	}
}

func TestRuntimeHeaderRecognisesOnlyUnmodifiedOwnFiles(t *testing.T) {
	ours := stampRuntime("#", []byte("body\n"))
	if !ownRuntime(ours) {
		t.Fatal("own file not recognised")
	}
	js := stampRuntime("//", []byte("body\n"))
	if !strings.HasPrefix(string(js), "// telemetry-inject runtime 1 sha256:") || !ownRuntime(js) {
		t.Fatalf("js header %q", js)
	}
	for _, b := range [][]byte{
		append(append([]byte{}, ours...), "# edited\n"...),
		[]byte("# telemetry-inject runtime 1 sha256:" + strings.Repeat("0", 64) + "\nbody\n"),
		[]byte("\"\"\"Runtime for code instrumented by telemetry-inject\"\"\"\n"),
	} {
		if ownRuntime(b) {
			t.Errorf("taken for ours: %q", b)
		}
	}
}

// TestRemoveKeepsTheRuntimeOfAFileStripDoesNotRecognise: a formatter can
// rewrap the injected import so that removal does not see it; the file
// still names the runtime, which must stay.
func TestRemoveKeepsTheRuntimeOfAFileStripDoesNotRecognise(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n"})
	rewrapped := "@ti import (\n    _telemetry_utils)\ndef one\n" // the toy Strip knows only one-line pieces
	if err := os.WriteFile(filepath.Join(root, "a.py"), []byte(rewrapped), 0o640); err != nil {
		t.Fatal(err)
	}
	rep, err := Remove(context.Background(), options(root, reread(t, fs)))
	if err != nil {
		t.Fatal(err)
	}
	if !runtimeExists(root, "_telemetry_utils.py") || len(rep.RuntimesKept) != 1 || !rep.RuntimesKept[0].StillImported {
		t.Fatalf("runtime of a file that still names it: kept %+v", rep.RuntimesKept)
	}
}

// TestAnUnstampedRuntimeOfThisVersionIsStillOurs: runtime files written
// before the header line existed are recognised by their exact bytes, so
// an upgrade neither refuses nor strands them.
func TestAnUnstampedRuntimeOfThisVersionIsStillOurs(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n"})
	opts := options(root, fs)
	if err := os.WriteFile(filepath.Join(root, "_telemetry_utils.py"), opts.Languages[source.Python].RuntimeBodies[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if !ownRuntime([]byte(read(t, root, "_telemetry_utils.py"))) {
		t.Fatal("the unstamped runtime was not given its header")
	}
	if err := os.WriteFile(filepath.Join(root, "_telemetry_utils.py"), opts.Languages[source.Python].RuntimeBodies[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Remove(context.Background(), options(root, fs)); err != nil {
		t.Fatal(err)
	}
	if runtimeExists(root, "_telemetry_utils.py") {
		t.Fatal("the unstamped runtime was not removed")
	}
}

// TestRemoveFindsATypeScriptRuntimeBelowFilesWithoutConstructs: the
// runtime of a TypeScript package goes to the common folder of the files
// that had constructs (lib/), not of every scanned file (an index.ts of
// re-exports above them), and --remove must still find it (rxjs's
// src/internal/_telemetry_utils.ts was left behind).
func TestRemoveFindsATypeScriptRuntimeBelowFilesWithoutConstructs(t *testing.T) {
	root, fs := writeTree(t, map[string]string{"index.ts": "export * from './lib/a'\n", "lib/a.ts": "def one\n", "lib/b.ts": "def two\n"})
	for i := range fs {
		fs[i].Lang = source.TypeScript
	}
	opts := func(files []source.File) Options {
		o := options(root, files)
		ts := toyLanguage()
		ts.Name, ts.Extensions, ts.RuntimeNames, ts.LineComment = source.TypeScript, []string{".ts"}, []string{"_telemetry_utils.ts"}, "//"
		o.Languages = map[source.Language]*lang.Language{source.TypeScript: ts}
		return o
	}
	if _, err := Run(context.Background(), opts(fs)); err != nil {
		t.Fatal(err)
	}
	if !runtimeExists(root, "lib/_telemetry_utils.ts") {
		t.Fatal("the runtime was not placed in lib/, the folder of the files with constructs")
	}
	if _, err := Remove(context.Background(), opts(reread(t, fs))); err != nil {
		t.Fatal(err)
	}
	if runtimeExists(root, "lib/_telemetry_utils.ts") {
		t.Fatal("--remove left lib/_telemetry_utils.ts behind")
	}
	if read(t, root, "lib/a.ts") != "def one\n" {
		t.Fatal("lib/a.ts not restored")
	}
}

// Running an instrumented project compiles the runtime into __pycache__;
// --remove takes that out with the runtime (and the folder it alone was
// in), and leaves the project's own compiled modules.
func TestRemoveDeletesTheRuntimesByteCode(t *testing.T) {
	root, fs := instrumented(t, map[string]string{"a.py": "def one\n", "pkg/b.py": "def two\n"})
	cached := map[string]string{
		"__pycache__/_telemetry_utils.cpython-311.pyc":       "runtime",
		"__pycache__/_telemetry_utils.cpython-311.opt-1.pyc": "runtime",
		"__pycache__/a.cpython-311.pyc":                      "own",
		"pkg/__pycache__/_telemetry_utils.cpython-312.pyc":   "runtime",
	}
	for rel, body := range cached {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := options(root, fs)
	// What the language says running the project derived from its runtime
	// (Python's answer, which its own package tests against real python3).
	opts.Languages[source.Python].Compiled = func(abs string) ([]string, error) {
		stem := strings.TrimSuffix(filepath.Base(abs), ".py")
		return filepath.Glob(filepath.Join(filepath.Dir(abs), "__pycache__", stem+".*.pyc"))
	}
	if _, err := Remove(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for rel, body := range cached {
		if want := body == "own"; runtimeExists(root, rel) != want {
			t.Errorf("%s exists = %v after --remove, want %v", rel, !want, want)
		}
	}
	if runtimeExists(root, "pkg/__pycache__") {
		t.Error("pkg/__pycache__, which held only the runtime's byte-code, is still there")
	}
}

// TestAReformattedRuntimeSaysWhatToDo: prettier over a whole tree rewrites
// our runtime file too (it has no file-wide ignore comment); the header
// line stays but the checksum no longer matches. The file is still left
// alone, but the message says it is ours, changed, and how to get going.
func TestAReformattedRuntimeSaysWhatToDo(t *testing.T) {
	formatted := string(stampRuntime("#", []byte("body\n"))) + "# reformatted\n"
	root, _ := writeTree(t, map[string]string{"a.py": "def one\n", "_telemetry_utils.py": formatted})
	fs := reread(t, []source.File{{Path: "a.py", Abs: filepath.Join(root, "a.py"), Lang: source.Python}})
	rep, err := Run(context.Background(), options(root, fs))
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusFailed || !strings.Contains(f.Reason, "changed since it was written") || !strings.Contains(f.Reason, "delete it") {
		t.Fatalf("a.py: %+v", f)
	}
	rep, err = Remove(context.Background(), options(root, fs))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.RuntimesKept) != 1 || !strings.Contains(rep.RuntimesKept[0].Reason, ".prettierignore") {
		t.Fatalf("kept: %+v", rep.RuntimesKept)
	}
	if read(t, root, "_telemetry_utils.py") != formatted {
		t.Fatal("the changed runtime was touched")
	}
}

// TestARuntimeNoFileImportsIsNotLeftBehind: when every file placed with a
// new runtime fails to be written (here: edited during the run), the
// runtime this run created goes too, and the tree is as it was.
func TestARuntimeNoFileImportsIsNotLeftBehind(t *testing.T) {
	root, fs := writeTree(t, map[string]string{"a.py": "def one\n"})
	edited := "def one\n# saved by the editor\n"
	if err := os.WriteFile(filepath.Join(root, "a.py"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), options(root, fs))
	if err != nil {
		t.Fatal(err)
	}
	if f := statusOf(rep, "a.py"); f.Status != StatusChanged {
		t.Fatalf("a.py: %+v", f)
	}
	if _, err := os.Lstat(filepath.Join(root, "_telemetry_utils.py")); !os.IsNotExist(err) {
		t.Fatalf("a runtime nothing imports was left: %v (report lists %v)", err, rep.RuntimeFiles)
	}
}

package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
)

// smallProject writes a one-module Python project and returns its folder.
// Its function is big enough for the default density to instrument it.
func smallProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := `def load(path):
    records = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            records.append((key.strip(), value.strip()))
    total = len(records)
    if total == 0:
        raise ValueError("no settings in " + path)
    return records
`
	if err := os.WriteFile(filepath.Join(dir, "m.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFlagErrorsNameFlagValueAndExample(t *testing.T) {
	dir := smallProject(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--rpm", "abc"}, []string{"--rpm", `"abc"`, "--rpm 500"}},
		{[]string{"--timeout", "5"}, []string{"--timeout", `"5"`, "5s"}},
		{[]string{"--timeout", "0s"}, []string{"--timeout", "above 0", "--timeout 90s"}},
		{[]string{"--max-parallel", "0"}, []string{"--max-parallel", "above 0", "--no-parallel"}},
		{[]string{"--budget", "0"}, []string{"--budget", "above 0", "--provider builtin"}},
		{[]string{"--provider", "foo"}, []string{`"foo"`, "builtin", "openai-compatible"}},
		{[]string{"--check", "--dry-run"}, []string{"--check"}},
	} {
		code, _, stderr := runCLI(t, nil, append([]string{dir}, tc.args...)...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, code, ExitUsage)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: message %q lacks %q", tc.args, stderr, w)
			}
		}
		if strings.Contains(stderr, "strconv") || strings.Contains(stderr, "missing unit") {
			t.Errorf("%v: message quotes Go internals: %q", tc.args, stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "telemetry-inject ") || !strings.Contains(out, "prompt v") || !strings.Contains(out, "commit ") {
		t.Fatalf("--version: exit %d, %q", code, out)
	}
}

func TestCheckExitCodesAndWritesNothing(t *testing.T) {
	dir := smallProject(t)
	before := snapshot(t, dir)
	code, out, _ := runCLI(t, nil, dir, "--check")
	if code != ExitWouldChange || !strings.Contains(out, "would change: m.py") || !strings.Contains(out, "would change: _telemetry_utils.py") {
		t.Fatalf("--check on a fresh tree: exit %d, %q", code, out)
	}
	if after := snapshot(t, dir); len(after) != len(before) || after["m.py"] != before["m.py"] {
		t.Fatal("--check wrote to the tree")
	}
	if code, _, stderr := runCLI(t, nil, dir); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if code, out, stderr := runCLI(t, nil, dir, "--check"); code != 0 || out != "" || !strings.Contains(stderr, "instrumented as configured") {
		t.Fatalf("--check after a run: exit %d, %q, %q", code, out, stderr)
	}
	// A hand edit that drops the injected import (a line of its own here,
	// as the module starts with a def) makes the tree differ again.
	b, _ := os.ReadFile(filepath.Join(dir, "m.py"))
	lines := strings.Split(string(b), "\n")
	var kept []string
	dropped := false
	for _, l := range lines {
		if strings.Contains(l, "# @telemetry-inject") && strings.Contains(l, "__import__(") {
			dropped = true
			continue
		}
		kept = append(kept, l)
	}
	if !dropped {
		t.Fatalf("no import line to drop in\n%s", b)
	}
	os.WriteFile(filepath.Join(dir, "m.py"), []byte(strings.Join(kept, "\n")), 0o644)
	if code, out, _ := runCLI(t, nil, dir, "--check", "--quiet"); code != ExitWouldChange || out != "would change: m.py\n" {
		t.Fatalf("--check after an edit: exit %d, %q", code, out)
	}
}

func TestQuietPrintsNothingOnSuccess(t *testing.T) {
	code, out, stderr := runCLI(t, nil, smallProject(t), "--quiet")
	if code != 0 || out != "" || stderr != "" {
		t.Fatalf("--quiet: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestRerunSaysAlreadyInstrumented(t *testing.T) {
	dir := smallProject(t)
	runCLI(t, nil, dir)
	code, _, stderr := runCLI(t, nil, dir)
	if code != 0 || !strings.Contains(stderr, "already instrumented: 1 files") || strings.Contains(stderr, "functions") {
		t.Fatalf("re-run: exit %d\n%s", code, stderr)
	}
	_, out, _ := runCLI(t, nil, dir, "--json")
	var rep struct {
		SchemaVersion int               `json:"schema_version"`
		Already       int               `json:"already_instrumented_files"`
		SkippedFiles  []json.RawMessage `json:"skipped_files"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != 1 || rep.Already != 1 || rep.SkippedFiles == nil {
		t.Fatalf("--json: %+v\n%s", rep, out)
	}
	if !strings.Contains(out, `"skipped_files": []`) {
		t.Fatalf("skipped_files should be [] not null:\n%s", out)
	}
}

func TestEmptyFolderSaysWhy(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "tests"), 0o755)
	b, _ := os.ReadFile(filepath.Join(smallProject(t), "m.py"))
	os.WriteFile(filepath.Join(dir, "tests", "test_x.py"), b, 0o644)
	_, _, stderr := runCLI(t, nil, dir)
	if !strings.Contains(stderr, "no Python, JavaScript or TypeScript files found") || !strings.Contains(stderr, "--no-default-excludes") {
		t.Fatalf("empty run says: %q", stderr)
	}
	if code, _, stderr := runCLI(t, nil, dir, "--no-default-excludes"); code != 0 || !strings.Contains(stderr, "Instrumented 1 of 1") {
		t.Fatalf("--no-default-excludes: exit %d\n%s", code, stderr)
	}
}

func TestDefaultExcludesAreShownAndOverridable(t *testing.T) {
	dir := smallProject(t)
	for _, sub := range []string{"tests", "examples", "docs", "vendor"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		b, _ := os.ReadFile(filepath.Join(dir, "m.py"))
		os.WriteFile(filepath.Join(dir, sub, "x.py"), b, 0o644)
	}
	code, _, stderr := runCLI(t, nil, dir, "--dry-run", "-v", "--json")
	if code != 0 || !strings.Contains(stderr, "Left out by default") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	_, out, _ := runCLI(t, nil, dir, "--dry-run", "--json")
	for _, sub := range []string{"tests", "examples", "docs", "vendor"} {
		if strings.Contains(out, `"path": "`+sub+`/x.py"`) {
			t.Errorf("%s/ instrumented by default", sub)
		}
	}
	_, out, _ = runCLI(t, nil, dir, "--dry-run", "--json", "--exclude", "!tests/")
	if !strings.Contains(out, `"path": "tests/x.py"`) {
		t.Errorf("--exclude !tests/ did not bring tests back:\n%s", out)
	}
}

func TestSubcommandNamesNeverShadowAFolder(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bench"), 0o755)
	b, _ := os.ReadFile(filepath.Join(smallProject(t), "m.py"))
	os.WriteFile(filepath.Join(dir, "bench", "m.py"), b, 0o644)
	os.MkdirAll(filepath.Join(dir, "completion"), 0o755)
	os.WriteFile(filepath.Join(dir, "completion", "m.py"), b, 0o644)
	t.Chdir(dir)
	code, _, stderr := runCLI(t, nil, "bench")
	if code != ExitUsage || !strings.Contains(stderr, "./bench") {
		t.Fatalf("bench with a bench folder: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"./bench", "--check"}, {"--check", "--", "bench"}, {"completion", "--check"}} {
		code, out, stderr := runCLI(t, nil, args...)
		if code != ExitWouldChange || !strings.Contains(out, "would change: m.py") {
			t.Errorf("%v: exit %d, %q %q", args, code, out, stderr)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	// Each row: what the file says, what the environment says, what the
	// command line says, and the model the run must use.
	for _, tc := range []struct {
		name            string
		file, env, flag string
		want            string
	}{
		{"file alone", "from-file", "", "", "from-file"},
		{"file over environment", "from-file", "from-env", "", "from-file"},
		{"flag over file", "from-file", "from-env", "from-flag", "from-flag"},
		{"environment without file", "", "from-env", "", "from-env"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := smallProject(t)
			if tc.file != "" {
				os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[tool.telemetry-inject]\nprovider = \"ollama\"\nmodel = \""+tc.file+"\"\n"), 0o644)
			}
			var got *Options
			ios, _, _, _ := iostreams.Test()
			env := map[string]string{"LLM_PROVIDER": "ollama"}
			if tc.env != "" {
				env["LLM_MODEL"] = tc.env
			}
			cmd := NewCmdRoot(ios, func(k string) string { return env[k] }, func(_ context.Context, o *Options) error { got = o; return nil })
			args := []string{dir}
			if tc.flag != "" {
				args = append(args, "--model", tc.flag)
			}
			cmd.SetArgs(args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			cfg, err := providerConfig(got)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Model != tc.want {
				t.Fatalf("model %q, want %q", cfg.Model, tc.want)
			}
		})
	}
}

func TestConfigUnknownKeyIsAnError(t *testing.T) {
	dir := smallProject(t)
	os.WriteFile(filepath.Join(dir, ".telemetry-inject.toml"), []byte("exlude = [\"x/\"]\n"), 0o644)
	code, _, stderr := runCLI(t, nil, dir)
	if code != ExitUsage || !strings.Contains(stderr, "unknown key exlude") || !strings.Contains(stderr, ".telemetry-inject.toml") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}

func TestConfigFileExcludesAndVerboseNamesIt(t *testing.T) {
	dir := smallProject(t)
	os.MkdirAll(filepath.Join(dir, "gen"), 0o755)
	b, _ := os.ReadFile(filepath.Join(dir, "m.py"))
	os.WriteFile(filepath.Join(dir, "gen", "x.py"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name": "x", "telemetry-inject": {"exclude": ["gen/"]}}`), 0o644)
	code, out, stderr := runCLI(t, nil, dir, "--check", "-v")
	if code != ExitWouldChange || strings.Contains(out, "gen/x.py") || !strings.Contains(stderr, "Settings from "+filepath.Join(dir, "package.json")) {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestInterruptedSaysWhatIsLeft(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ios, _, _, errOut := iostreams.Test()
	code := Main(ctx, []string{smallProject(t)}, ios, func(string) string { return "" })
	if code != ExitInterrupted || !strings.Contains(errOut.String(), "interrupted") || strings.Contains(errOut.String(), "context canceled") {
		t.Fatalf("exit %d, %q", code, errOut.String())
	}
}

// TestDryRunDiffAppliesLikeARealRun applies the dry-run diff of a real
// corpus (a slice of the Python standard library and the bundled example)
// with git apply and compares the result with a real run, byte for byte.
func TestDryRunDiffAppliesLikeARealRun(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
	if err != nil {
		t.Skip("no standard library path")
	}
	stdlib := strings.TrimSpace(string(out))
	src := t.TempDir()
	for _, pkg := range []string{"json", "email", "http", "logging"} {
		copyInto(t, filepath.Join(stdlib, pkg), filepath.Join(src, pkg))
	}
	copyInto(t, filepath.Join("..", "..", "examples", "shop"), filepath.Join(src, "shop"))

	real, patched := copyTree(t, src), copyTree(t, src)
	if code, _, stderr := runCLI(t, nil, real); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	code, diff, stderr := runCLI(t, nil, patched, "--dry-run")
	if code != 0 || diff == "" {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	apply := exec.Command(git, "apply", "--whitespace=nowarn", "-")
	apply.Dir, apply.Stdin = patched, strings.NewReader(diff)
	if msg, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("git apply rejected the dry-run diff: %v\n%s", err, msg)
	}
	want, got := snapshot(t, real), snapshot(t, patched)
	delete(want, ".telemetry-inject/.gitignore")
	for p := range want {
		if strings.HasPrefix(p, ".telemetry-inject/") {
			delete(want, p)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files after git apply, %d after a real run", len(got), len(want))
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s differs between git apply of the dry run and a real run", p)
		}
	}
}

// copyInto copies the tree at src to dst.
func copyInto(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			if info.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

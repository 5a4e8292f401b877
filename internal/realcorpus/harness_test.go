package realcorpus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildCLI builds the real binary once for the whole corpus run, so every
// project is instrumented by what a user would run.
func buildCLI(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "telemetry-inject")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/telemetry-inject")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building telemetry-inject: %v\n%s", err, out)
	}
	return bin
}

// offlineEnv is the environment with every provider setting removed, so the
// CLI runs with its default, offline planner whatever the developer's shell
// has configured, and with every telemetry destination removed, so the
// instrumented suites export nothing.
func offlineEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "LLM_"), strings.HasPrefix(name, "OTEL_"),
			strings.HasPrefix(name, "TELEMETRY_INJECT_"),
			strings.HasSuffix(name, "_API_KEY"), strings.HasSuffix(name, "_BASE_URL"),
			name == "OLLAMA_HOST", name == "PYTHONPATH", name == "PYTHONHOME",
			name == "NODE_OPTIONS", name == "NODE_PATH":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// instrumentReport is the part of the CLI's --json report the table shows.
type instrumentReport struct {
	FilesByStatus map[string]int            `json:"files_by_status"`
	Constructs    map[string]map[string]int `json:"constructs"`
	RuntimeFiles  []string                  `json:"runtime_files"`
	Files         []struct {
		Path   string `json:"path"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	} `json:"files"`
}

// failed lists the files the CLI left untouched because its own output
// did not pass its checks (tsc, node), with its reason.
func (r instrumentReport) failed() []string {
	var out []string
	for _, f := range r.Files {
		if f.Status == "failed" {
			out = append(out, f.Path+": "+clip(f.Reason, 300))
		}
	}
	return out
}

// unparsed lists the files the CLI skipped because it could not parse
// them, with its reason: in a real project that its own tools build, each
// is a gap of the tool's parser.
func (r instrumentReport) unparsed() []string {
	var out []string
	for _, f := range r.Files {
		if strings.HasPrefix(f.Reason, "does not parse") {
			out = append(out, f.Reason)
		}
	}
	return out
}

// instrumented is how many files the CLI changed.
func (r instrumentReport) instrumented() int { return r.FilesByStatus["instrumented"] }

// injected is how many constructs were given telemetry (declined ones and
// ones left alone are not counted).
func (r instrumentReport) injected() int {
	n := 0
	for _, byHow := range r.Constructs {
		for how, c := range byHow {
			if how != "declined" && how != "skipped" {
				n += c
			}
		}
	}
	return n
}

// runCLI runs the binary with args and the offline environment.
func runCLI(ctx context.Context, bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = offlineEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("telemetry-inject %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 20))
	}
	return stdout.Bytes(), nil
}

// instrument runs the CLI on dir with default settings and the flags
// given.
func instrument(ctx context.Context, bin, dir string, flags ...string) (instrumentReport, error) {
	out, err := runCLI(ctx, bin, append([]string{dir, "--json"}, flags...)...)
	if err != nil {
		return instrumentReport{}, err
	}
	var rep instrumentReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return rep, fmt.Errorf("reading the --json report: %w\n%s", err, tail(string(out), 10))
	}
	return rep, nil
}

// snapshot reads every regular file under dir, keyed by slash path, with
// its mode, so the round trip can be compared byte for byte. Python
// byte-code of the project's own modules is left out: a suite that writes
// it despite PYTHONDONTWRITEBYTECODE (twisted's does) rewrites it on either
// tree, and Python checks it against the restored source. The runtime's byte-code is compared: --remove must
// take it out.
func snapshot(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if filepath.Base(filepath.Dir(p)) == "__pycache__" && !strings.HasPrefix(d.Name(), "_telemetry_utils.") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			files[filepath.ToSlash(rel)] = "non-regular " + info.Mode().String()
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = info.Mode().Perm().String() + "\x00" + string(b)
		return nil
	})
	return files, err
}

// diffSnapshots names the files added, removed or changed between two
// snapshots, the first few only.
func diffSnapshots(before, after map[string]string) []string {
	var diffs []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			diffs = append(diffs, "removed "+p)
		case a != b:
			diffs = append(diffs, "changed "+p+firstDifference(b, a))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diffs = append(diffs, "added "+p)
		}
	}
	sort.Strings(diffs)
	return diffs
}

// firstDifference says at which line two file contents first differ, to
// make a round-trip failure something a developer can go and look at.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf(" (line %d: %q became %q)", i+1, clip(al[i], 80), clip(bl[i], 80))
		}
	}
	return fmt.Sprintf(" (%d lines became %d)", len(al), len(bl))
}

// copyTree copies the regular files under src to dst, leaving out byte-code
// caches (the suites run with PYTHONDONTWRITEBYTECODE, so none come back).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// command is one run of a project's suite or check.
type command struct {
	dir     string
	env     []string
	name    string
	args    []string
	timeout time.Duration
}

// result is what a command did: its combined output, exit status, duration,
// CPU time, and whether it ran out of time.
type result struct {
	output   string
	exitCode int
	elapsed  time.Duration
	// cpu is the user and system time of the process and of the children
	// it waited for: unlike elapsed, other work on the machine hardly
	// changes it.
	cpu      time.Duration
	timedOut bool
}

// envKey is the context key of the variables withEnv adds.
type envKey struct{}

// withEnv returns a context whose suite commands run with kv added to
// their environment: the overhead benchmark turns telemetry export on
// this way for suites whose environment is otherwise fixed at setup.
func withEnv(ctx context.Context, kv ...string) context.Context {
	return context.WithValue(ctx, envKey{}, kv)
}

// run runs c in its own process group, so a timeout ends the whole suite
// (pytest and regrtest start workers) and not only its first process.
func (c command) run(ctx context.Context) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.name, c.args...)
	extra, _ := ctx.Value(envKey{}).([]string)
	cmd.Dir, cmd.Env = c.dir, append(slices.Clip(c.env), extra...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := result{output: out.String(), elapsed: time.Since(start), timedOut: ctx.Err() == context.DeadlineExceeded}
	if ps := cmd.ProcessState; ps != nil {
		r.cpu = ps.UserTime() + ps.SystemTime()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.exitCode = exit.ExitCode()
	case r.timedOut:
		r.exitCode = -1
	default:
		return r, fmt.Errorf("running %s %s: %w", c.name, strings.Join(c.args, " "), err)
	}
	return r, nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// clip shortens s to at most n runes, for one-line table cells.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// lastLine is the last non-blank line of s: where Python names the
// exception that ended a traceback.
func lastLine(s string) string {
	return strings.TrimSpace(tail(strings.TrimSpace(s), 1))
}

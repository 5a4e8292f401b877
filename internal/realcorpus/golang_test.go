package realcorpus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// goProjects are pure-Go modules of different shapes, exact versions from
// the Go module proxy, which serves them with their tests: pkg/errors
// (stack traces read with runtime.Callers, checked line by line; no
// go.mod, so language version go1.16), uuid (parsing and byte formatting),
// xxhash (assembly with pure-Go fallbacks behind build tags, go 1.11),
// go-cmp (reflection throughout, a go vet that fails as published) and
// x/sync (errgroup, semaphore and singleflight: goroutines, panics and
// Goexit passing through instrumented functions), gjson and chi (an HTTP
// router and its middleware package: two packages sharing the module's
// runtime package, request contexts and http.Handler chains), otel/trace
// and x/exp/slog (generics and zero-allocation tests).
func goProjects() []project {
	return []project{
		goModule("github.com/pkg/errors", "v0.9.1", 2*time.Minute),
		goModule("github.com/google/uuid", "v1.6.0", 2*time.Minute),
		// The root package only: dynamic/ builds a plugin, which takes a
		// minute on a 2-core machine and tests the plugin loader.
		goModule("github.com/cespare/xxhash/v2", "v2.3.0", 2*time.Minute, "."),
		goModule("github.com/google/go-cmp", "v0.7.0", 3*time.Minute),
		goModule("golang.org/x/sync", "v0.23.0", 2*time.Minute),
		// gjson: one 3,000-line file of hand-written parsers with goto
		// (a labeled loop after a return once made go vet fail).
		goModule("github.com/tidwall/gjson", "v1.20.0", 2*time.Minute),
		// chi: a router and its middleware (two packages, handlers wrapping
		// handlers, contexts carried by requests); its _examples, ignored
		// by ./... like the runtime package, are instrumented too.
		goModule("github.com/go-chi/chi/v5", "v5.5.0", 3*time.Minute),
		// otel/trace: a module of the OpenTelemetry project that requires
		// otel, whose runtime must not be the OpenTelemetry variant (that
		// imports this very module: an import cycle once broke its build).
		goModule("go.opentelemetry.io/otel/trace", "v1.47.0", 2*time.Minute),
		// x/exp/slog: generics, and tests that count allocations
		// (testing.AllocsPerRun wants 0): the runtime once kept strings it
		// read through the addresses it is given, which moved instrumented
		// parameters to the heap. The whole module is instrumented.
		goModule("golang.org/x/exp", "v0.0.0-20261113113407-e3970619a1a4", 2*time.Minute, "./slog/..."),
	}
}

// goEnv is the environment of every go command the corpus runs: offline
// planner settings, the test cache off, no workspace, and this machine's
// toolchain whatever a go.mod asks for.
func goEnv() []string {
	return offlineEnv("GOFLAGS=-mod=mod -count=1", "GOWORK=off", "GOTOOLCHAIN=local")
}

// goModule is a module copied from the module cache (downloaded from the
// proxy on first use) and instrumented whole; its suite is `go vet` (one
// case, by exit status) and `go test -json -vet=off` (vet has its own case:
// go test's built-in vet fails pkg/errors' build under go 1.24's printf
// check), every test and subtest a case, on pkgs (default ./...).
func goModule(mod, version string, timeout time.Duration, pkgs ...string) project {
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	return project{
		parsesAll: true,
		name:      "go:" + mod,
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			if _, err := exec.LookPath("go"); err != nil {
				return suite{}, fmt.Errorf("go is not on PATH")
			}
			dir, gomod, err := goDownload(ctx, mod+"@"+version)
			if err != nil {
				return suite{}, err
			}
			root := filepath.Join(work, strings.ReplaceAll(mod, "/", "_"))
			if err := copyTree(dir, root); err != nil {
				return suite{}, fmt.Errorf("copying %s: %w", mod, err)
			}
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
				// A module published before go.mod existed: the proxy
				// serves the go.mod it synthesised.
				b, err := os.ReadFile(gomod)
				if err != nil {
					return suite{}, err
				}
				if err := os.WriteFile(filepath.Join(root, "go.mod"), b, 0o644); err != nil {
					return suite{}, err
				}
			}
			if err := dropLocalReplaces(ctx, root); err != nil {
				return suite{}, err
			}
			// The tests' own dependencies, and go.sum settled before the
			// pristine snapshot.
			settle := command{dir: root, env: goEnv(), name: "go", args: []string{"list", "-deps", "-test", "./..."}, timeout: 5 * time.Minute}
			if res, err := settle.run(ctx); err != nil || res.exitCode != 0 {
				return suite{}, fmt.Errorf("go list -deps -test in %s (is the module proxy reachable?): %v\n%s", mod, err, tail(res.output, 10))
			}
			vet := command{dir: root, env: goEnv(), name: "go", args: append([]string{"vet"}, pkgs...), timeout: timeout}
			test := command{dir: root, env: goEnv(), name: "go", args: append([]string{"test", "-json", "-vet=off"}, pkgs...), timeout: timeout}
			return suite{root: root, run: func(ctx context.Context) (outcome, error) {
				v, err := vet.run(ctx)
				if err != nil {
					return outcome{}, err
				}
				res, err := test.run(ctx)
				if err != nil {
					return outcome{}, err
				}
				o := countGoTest(res)
				vc := caseResult{status: "passed"}
				if v.exitCode != 0 {
					vc = caseResult{status: "failed", message: tail(v.output, 3)}
					o.counts.failed++
				} else {
					o.counts.passed++
				}
				o.cases["go vet "+strings.Join(pkgs, " ")] = vc
				o.res.elapsed += v.elapsed
				return o, nil
			}}, nil
		},
	}
}

// dropLocalReplaces drops the go.mod replacements by a folder: they point
// into the repository the module was published from (otel/trace's
// "replace go.opentelemetry.io/otel => ../"), which the proxy's copy has
// not, so the versions the go.mod requires are used instead.
func dropLocalReplaces(ctx context.Context, root string) error {
	edit := command{dir: root, env: goEnv(), name: "go", args: []string{"mod", "edit", "-json"}, timeout: time.Minute}
	res, err := edit.run(ctx)
	if err != nil || res.exitCode != 0 {
		return fmt.Errorf("go mod edit -json in %s: %v\n%s", root, err, tail(res.output, 5))
	}
	var mod struct {
		Replace []struct {
			Old, New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal([]byte(res.output), &mod); err != nil {
		return fmt.Errorf("reading %s/go.mod: %w", root, err)
	}
	for _, r := range mod.Replace {
		if !strings.HasPrefix(r.New.Path, ".") && !filepath.IsAbs(r.New.Path) {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		drop := command{dir: root, env: goEnv(), name: "go", args: []string{"mod", "edit", "-dropreplace=" + old}, timeout: time.Minute}
		if res, err := drop.run(ctx); err != nil || res.exitCode != 0 {
			return fmt.Errorf("go mod edit -dropreplace=%s in %s: %v\n%s", old, root, err, tail(res.output, 5))
		}
	}
	return nil
}

// goDownload returns the module's folder in the module cache and the
// go.mod the proxy serves for it, downloading both on first use.
func goDownload(ctx context.Context, modVersion string) (dir, gomod string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", modVersion)
	cmd.Env = goEnv()
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	var info struct{ Dir, GoMod, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Error != "" || err != nil {
		return "", "", fmt.Errorf("go mod download %s (is the module proxy reachable?): %v %s", modVersion, err, info.Error)
	}
	return info.Dir, info.GoMod, nil
}

// goTestEvent is one line of go test -json.
type goTestEvent struct {
	Action, Package, Test, Output string
}

// countGoTest counts go test -json's results: each test and subtest that
// passed, failed or was skipped is a case; a package that failed without
// a failing test (a build failure, a panic outside tests) is an error.
func countGoTest(res result) outcome {
	o := outcome{res: res, cases: map[string]caseResult{}}
	output := map[string]*strings.Builder{}
	failedTests := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(res.output))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("{")) {
			continue
		}
		var e goTestEvent
		if json.Unmarshal(line, &e) != nil {
			continue
		}
		id := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if output[id] == nil {
				output[id] = &strings.Builder{}
			}
			if output[id].Len() < 2000 {
				output[id].WriteString(e.Output)
			}
		case "pass":
			if e.Test != "" {
				o.cases[id] = caseResult{status: "passed"}
				o.counts.passed++
			}
		case "skip":
			if e.Test != "" {
				o.cases[id] = caseResult{status: "skipped"}
				o.counts.skipped++
			}
		case "fail":
			msg := ""
			if b := output[id]; b != nil {
				msg = tail(b.String(), 3)
			}
			if e.Test != "" {
				o.cases[id] = caseResult{status: "failed", message: msg}
				o.counts.failed++
				failedTests[e.Package] = true
			} else if !failedTests[e.Package] {
				o.cases[id] = caseResult{status: "error", message: msg}
				o.counts.errors++
			}
		}
	}
	return o
}

// TestCountGoTest checks the counting on a go test -json stream with a
// passing subtest, a failing test, a skip and a package that did not build.
func TestCountGoTest(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"m/a","Test":"TestA"}`,
		`{"Action":"pass","Package":"m/a","Test":"TestA/sub"}`,
		`{"Action":"pass","Package":"m/a","Test":"TestA"}`,
		`{"Action":"output","Package":"m/a","Test":"TestB","Output":"boom\n"}`,
		`{"Action":"fail","Package":"m/a","Test":"TestB"}`,
		`{"Action":"skip","Package":"m/a","Test":"TestC"}`,
		`{"Action":"fail","Package":"m/a"}`,
		`{"Action":"output","Package":"m/b","Output":"m/b [build failed]\n"}`,
		`{"Action":"fail","Package":"m/b"}`,
		`not json`,
	}, "\n")
	o := countGoTest(result{output: stream})
	if want := (counts{passed: 2, failed: 1, skipped: 1, errors: 1}); o.counts != want {
		t.Fatalf("counts %v, want %v", o.counts, want)
	}
	if c := o.cases["m/a TestB"]; c.status != "failed" || c.message != "boom" {
		t.Errorf("TestB: %+v", c)
	}
	if c := o.cases["m/b "]; c.status != "error" {
		t.Errorf("m/b: %+v", c)
	}
}

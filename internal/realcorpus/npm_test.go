package realcorpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// npmPackages are installed once, together, for every npm project of the
// corpus: the projects themselves, the test dependencies their published
// tests require (qs's devDependencies that its test files load), and the
// compiler. Exact versions, so a new release never changes the baseline.
var npmPackages = []string{
	"qs@6.17.1", "minimist@1.2.8", "tape@5.10.2",
	"safer-buffer@2.1.2", "for-each@0.3.5", "has-bigints@1.1.0", "has-override-mistake@1.0.1",
	"has-property-descriptors@1.0.2", "has-proto@1.2.0", "has-symbols@1.1.0", "iconv-lite@0.5.2",
	"object-inspect@1.14.0", "mock-property@1.1.2", "es-value-fixtures@1.7.1",
	"d3-array@3.2.4", "rxjs@7.8.2", "immer@11.2.13", "@tanstack/query-core@5.108.4", "zod@4.6.7",
	"typescript@5.9.3", "@types/node@22.20.7", "valibot@1.5.0",
	// Projects publishing tape tests, and the packages those tests load.
	"traverse@0.6.11", "json-stable-stringify@1.3.0", "deep-equal@2.2.3", "function-bind@1.1.2",
	"es-iterator-helpers@1.4.0",
	"available-typed-arrays@1.0.7", "call-bind@1.0.9", "define-properties@1.2.1",
	"functions-have-names@1.2.3", "has-strict-mode@1.1.0", "has-tostringtag@1.0.2",
	"has-typed-arrays@1.0.1", "iterate-iterator@1.0.2", "make-generator-function@2.1.0",
	"object-is@1.1.6", "object-keys@1.1.1", "object.assign@4.1.7",
	"object.getownpropertydescriptors@2.1.8", "semver@6.3.1", "fast-uri@4.2.4", "ajv@8.17.1",
	// Projects publishing node:test tests, and what those tests load.
	"find-my-way@9.10.2", "avvio@9.3.1", "rfdc@1.4.1", "proxyquire@2.1.3",
	// The wider corpus (wider_test.go): its projects and their test
	// dependencies.
	"get-intrinsic@1.3.1", "call-bound@1.0.4", "make-async-function@1.0.0", "make-async-generator-function@1.0.0",
	"fast-json-stringify@7.3.10", "@fastify/error@4.3.0", "process-warning@5.1.1",
	"fastify-plugin@6.0.1", "fastify@5.12.8", "json-schema-ref-resolver@3.0.1",
	"@reduxjs/toolkit@2.15.0", "@tanstack/form-core@1.33.5", "@tanstack/virtual-core@3.19.11",
	// The JavaScript and TypeScript round (wider_node_test.go). A tsc
	// project resolves its imports from the top level, so a package
	// another one depends on is pinned at the version that one uses
	// (@tanstack/store at form-core's).
	"mobx@6.13.7", "@tanstack/table-core@8.21.3", "@tanstack/store@0.11.2", "@preact/signals-core@1.14.5",
	"graphql@16.11.0", "function.prototype.name@1.2.0", "make-arrow-function@1.2.0", "@trpc/server@11.4.3",
	// From the line-preserving round's hunt.
	"es-to-primitive@1.3.0",
	// From the JavaScript hunt of the closing round.
	"v8-to-istanbul@9.3.0",
}

// checkJSPackages are the type-check of a JavaScript package (checkJs):
// its tsconfig extends @ljharb/tsconfig and types its tests with tape's
// types. They get an install of their own: a tsc project without a
// "types" list takes in every @types package of the node_modules above
// it, and @types/tape's imports do not compile under rxjs's settings.
var checkJSPackages = []string{
	"has-strict-mode@1.1.0", "typescript@5.9.3", "@ljharb/tsconfig@0.3.2", "@types/tape@5.8.1",
}

// npmInstaller installs a list of packages at most once per test run, however
// many projects ask, and reports a failure as an error: the caller decides
// whether it fails the test (CI) or skips it.
type npmInstaller struct {
	once func() (string, error)
}

// newNPMInstaller returns an installer of pkgs bound to ctx, the test
// run's: the install is shared by projects, so no one project's context
// may end it.
func newNPMInstaller(ctx context.Context, pkgs []string) *npmInstaller {
	return &npmInstaller{once: sync.OnceValues(func() (string, error) {
		return npmInstall(ctx, pkgs)
	})}
}

// modules returns the node_modules folder holding the packages.
func (n *npmInstaller) modules() (string, error) {
	dir, err := n.once()
	return filepath.Join(dir, "node_modules"), err
}

// npmInstall installs pkgs into a folder under the user's cache keyed by the
// list, once across runs: a temporary folder renamed into place when the
// install is complete, so an interrupted one is never taken for finished.
// Install scripts are not run: the corpus needs the published files only.
func npmInstall(ctx context.Context, pkgs []string) (string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("npm is not on PATH")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(strings.Join(pkgs, "\n")))
	dir := filepath.Join(cache, "telemetry-inject-tests", "corpus-npm-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("making the npm cache folder: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		return "", fmt.Errorf("making the npm cache folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(`{"private": true}`), 0o644); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"}, pkgs...)
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %s: %w (is the npm registry reachable?)\n%s", strings.Join(pkgs, " "), err, tail(string(out), 10))
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o644); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		// Another test process finished the same install first.
		if _, serr := os.Stat(filepath.Join(dir, "complete")); serr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("caching the npm packages: %w", err)
	}
	return dir, nil
}

// copyNPMPackage copies the installed package pkg to work/<base name>,
// leaving out the folders named in skip, and links work/node_modules to the
// install so the copy resolves its dependencies from outside the folder
// that is instrumented and compared.
func copyNPMPackage(npm *npmInstaller, work, pkg string, skip ...string) (root, modules string, err error) {
	modules, err = npm.modules()
	if err != nil {
		return "", "", err
	}
	if err := os.Symlink(modules, filepath.Join(work, "node_modules")); err != nil {
		return "", "", err
	}
	root = filepath.Join(work, filepath.Base(pkg))
	src := filepath.Join(modules, pkg)
	if err := copyTree(src, root); err != nil {
		return "", "", fmt.Errorf("copying %s: %w", pkg, err)
	}
	for _, s := range skip {
		if err := os.RemoveAll(filepath.Join(root, s)); err != nil {
			return "", "", err
		}
	}
	return root, modules, nil
}

// tapePackage is a CommonJS npm package that publishes its tape tests: the
// package is copied (without its browser bundle), instrumented whole, and
// its test files are run with tape: the ones named (relative to the
// package), else every test/*.js.
func tapePackage(npm *npmInstaller, pkg string, timeout time.Duration, files ...string) project {
	return project{
		parsesAll: true,
		name:      "npm:" + pkg,
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root, modules, err := copyNPMPackage(npm, work, pkg, "dist")
			if err != nil {
				return suite{}, err
			}
			tests, err := testFiles(root, "test/*.js", files)
			if err != nil {
				return suite{}, fmt.Errorf("%s: %w", pkg, err)
			}
			args := append([]string{filepath.Join(modules, "tape", "bin", "tape")}, tests...)
			return nodeTAP(root, args, timeout), nil
		},
	}
}

var tapLine = regexp.MustCompile(`^(not ok|ok) \d+ ?(.*)$`)

// wallClock matches the dates a description can print: Date's toString
// and ISO form. es-to-primitive names its cases after new Date(), so
// without this the baseline and the instrumented run, a minute apart,
// would name different cases.
var wallClock = regexp.MustCompile(`\b[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}(?: \([^)]*\))?|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z`)

// countTAP counts a TAP stream's assertions: "ok" passes, "not ok" fails,
// SKIP and TODO directives skip. A run that ended without its plan (a
// crash) counts one error, so a suite that dies half-way never matches.
func countTAP(res result) outcome {
	o := outcome{res: res, cases: map[string]caseResult{}}
	seen := map[string]int{}
	lines := strings.Split(res.output, "\n")
	for i, l := range lines {
		m := tapLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		desc := wallClock.ReplaceAllString(m[2], "<date>")
		seen[desc]++
		id := fmt.Sprintf("%s #%d", desc, seen[desc])
		cr := caseResult{status: "passed"}
		switch {
		case strings.Contains(desc, "# SKIP"), strings.Contains(desc, "# TODO"):
			cr.status = "skipped"
			o.counts.skipped++
		case m[1] == "not ok":
			cr = caseResult{"failed", tapDiagnostics(lines[i+1:])}
			o.counts.failed++
		default:
			o.counts.passed++
		}
		o.cases[id] = cr
	}
	if !strings.Contains(res.output, "\n# tests ") {
		o.counts.errors++
	}
	return o
}

// tapDiagnostics joins the YAML block after a failed assertion (operator,
// expected, actual, at) into one line.
func tapDiagnostics(after []string) string {
	var parts []string
	for _, l := range after {
		if tapLine.MatchString(l) || strings.HasPrefix(l, "#") || len(parts) > 6 {
			break
		}
		if s := strings.TrimSpace(l); s != "" && s != "---" && s != "..." {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// tscProject is an npm package that publishes its TypeScript sources: the
// sources, package.json and a tsconfig (the package's own when it ships
// one, else the strict one given) are laid out as in the project's
// repository, instrumented, and type-checked with tsc --noEmit. Its counts
// are tsc's exit status (passed 1 when it is 0) and its number of errors.
// The folders given in skip (relative to the package) are left out of the
// copy, to keep a large package's check within a CI minute.
func tscProject(npm *npmInstaller, pkg, ownConfig, strictConfig string, timeout time.Duration, skip ...string) project {
	return project{
		parsesAll: true,
		name:      "tsc:" + filepath.Base(pkg),
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			modules, err := npm.modules()
			if err != nil {
				return suite{}, err
			}
			if err := os.Symlink(modules, filepath.Join(work, "node_modules")); err != nil {
				return suite{}, err
			}
			root := filepath.Join(work, filepath.Base(pkg))
			src := filepath.Join(modules, pkg)
			for _, f := range []string{"src", "package.json", "tsconfig.json"} {
				if _, err := os.Stat(filepath.Join(src, f)); err == nil {
					if err := copyTree(filepath.Join(src, f), filepath.Join(root, f)); err != nil {
						return suite{}, fmt.Errorf("copying %s of %s: %w", f, pkg, err)
					}
				}
			}
			for _, f := range skip {
				if err := os.RemoveAll(filepath.Join(root, f)); err != nil {
					return suite{}, err
				}
			}
			config := ownConfig
			if config == "" {
				config = "tsconfig.json"
				if err := os.WriteFile(filepath.Join(root, config), []byte(strictConfig), 0o644); err != nil {
					return suite{}, err
				}
			}
			// --incremental false: rxjs's tsconfig asks for a build-info
			// file, which would land in the compared folder.
			c := command{dir: root, env: offlineEnv(), name: "node", timeout: timeout,
				args: []string{filepath.Join(modules, "typescript", "bin", "tsc"), "--noEmit", "--incremental", "false", "-p", config}}
			return suite{root: root, run: func(ctx context.Context) (outcome, error) {
				res, err := c.run(ctx)
				if err != nil {
					return outcome{}, err
				}
				return countTSC(res), nil
			}}, nil
		},
	}
}

var tscError = regexp.MustCompile(`^(\S+)\(\d+,\d+\): error (TS\d+): (.*)$`)

// countTSC counts tsc's errors; each is a case keyed by file and code (line
// numbers move when lines are injected) so the report names the new ones.
func countTSC(res result) outcome {
	o := outcome{res: res, cases: map[string]caseResult{}}
	if res.exitCode == 0 && !res.timedOut {
		o.counts.passed = 1
	}
	seen := map[string]int{}
	for _, l := range strings.Split(res.output, "\n") {
		m := tscError.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		o.counts.failed++
		key := m[1] + " " + m[2]
		seen[key]++
		o.cases[fmt.Sprintf("%s #%d", key, seen[key])] = caseResult{"failed", l}
	}
	return o
}

// importAll is run by node on a list of ES module files: it imports each
// and prints, as TAP, its export names and their types. An instrumented
// module must import, and export the same names with the same types.
const importAll = `import { pathToFileURL } from "node:url";
const files = process.argv.slice(2);
for (const [i, f] of files.entries()) {
  try {
    const m = await import(pathToFileURL(f));
    const sig = Object.keys(m).sort().map((k) => k + ":" + typeof m[k]).join(",");
    console.log("ok " + (i + 1) + " " + f + " exports " + sig);
  } catch (e) {
    console.log("not ok " + (i + 1) + " " + f + "\n  " + String(e.stack).split("\n").slice(0, 3).join("\n  "));
  }
}
console.log("# tests " + files.length);
`

// esmProject is an ES module package that publishes its JavaScript sources
// but not its tests: its src/ (with package.json, as in its repository) is
// instrumented and every module of the original is imported by node, which
// must give the same exports. It checks that instrumented ES modules load
// and link, which a parse alone does not.
func esmProject(npm *npmInstaller, pkg string, timeout time.Duration) project {
	return project{
		parsesAll: true,
		name:      "esm:" + filepath.Base(pkg),
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root, _, err := copyNPMPackage(npm, work, pkg, "dist")
			if err != nil {
				return suite{}, err
			}
			script := filepath.Join(work, "import-all.mjs")
			if err := os.WriteFile(script, []byte(importAll), 0o644); err != nil {
				return suite{}, err
			}
			// The modules of the original only: the runtime file the
			// instrumentation adds is not the package's.
			var modules []string
			err = filepath.WalkDir(filepath.Join(root, "src"), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(p, ".js") {
					rel, _ := filepath.Rel(root, p)
					modules = append(modules, rel)
				}
				return err
			})
			if err != nil || len(modules) == 0 {
				return suite{}, fmt.Errorf("%s publishes no src/**/*.js (%v)", pkg, err)
			}
			return nodeTAP(root, append([]string{script}, modules...), timeout), nil
		},
	}
}

// testFiles is the test files to run, relative to root: the ones named,
// else every file matching pattern (relative to root), sorted.
func testFiles(root, pattern string, named []string) ([]string, error) {
	if len(named) > 0 {
		return slices.Sorted(slices.Values(named)), nil
	}
	matches, err := filepath.Glob(filepath.Join(root, pattern))
	if err != nil || len(matches) == 0 {
		return nil, fmt.Errorf("no %s published (%v)", pattern, err)
	}
	sort.Strings(matches)
	for i, m := range matches {
		matches[i], _ = filepath.Rel(root, m)
	}
	return matches, nil
}

// nodeTAP is a suite that runs node with args in root, offline, and counts
// the TAP it prints.
func nodeTAP(root string, args []string, timeout time.Duration) suite {
	c := command{dir: root, env: offlineEnv(), name: "node", args: args, timeout: timeout}
	return suite{root: root, run: func(ctx context.Context) (outcome, error) {
		res, err := c.run(ctx)
		if err != nil {
			return outcome{}, err
		}
		return countTAP(res), nil
	}}
}

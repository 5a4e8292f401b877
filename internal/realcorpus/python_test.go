package realcorpus

import (
	"context"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// distPackages is where Debian installs Python packages, tests included.
const distPackages = "/usr/lib/python3/dist-packages"

// stdlibDir is Debian's CPython standard library; its test package comes
// from libpython3.11-testsuite.
const stdlibDir = "/usr/lib/python3.11"

// missingDebs returns the packages of debs that dpkg does not list as
// installed (all of them where there is no dpkg).
func missingDebs(ctx context.Context, debs []string) []string {
	var missing []string
	for _, d := range debs {
		out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Status}", d).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, d)
		}
	}
	return missing
}

// pythonEnv runs Debian's python with only the copy in front of its own
// packages, and writes no byte-code next to the copy, so the round trip
// sees only what telemetry-inject wrote.
func pythonEnv(path string) []string {
	return offlineEnv("PYTHONPATH="+path, "PYTHONDONTWRITEBYTECODE=1", "PYTHONHASHSEED=0")
}

// debianPackage is a Debian Python package whose tests ship inside it: the
// package folder is copied, instrumented whole, and its tests under
// testPaths (relative to the package) are run with pytest. A package of a
// namespace package is named by its path ("zope/interface"): see
// namespaceFirst.
func debianPackage(name, deb, pkg string, testPaths []string, timeout time.Duration) project {
	return project{
		name: name,
		debs: []string{deb, "python3-pytest"},
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			site := filepath.Join(work, "site")
			root := filepath.Join(site, pkg)
			if err := copyTree(filepath.Join(distPackages, pkg), root); err != nil {
				return suite{}, fmt.Errorf("copying %s: %w", pkg, err)
			}
			if err := namespaceFirst(site, pkg); err != nil {
				return suite{}, err
			}
			junit := filepath.Join(work, "junit.xml")
			args := []string{"-m", "pytest", "-p", "no:cacheprovider", "-q", "-o", "addopts=",
				"-o", "junit_family=xunit1", "--junitxml=" + junit}
			for _, p := range testPaths {
				// "--ignore=PATH" leaves out a test file or folder the
				// package ships but cannot run here (a test dependency
				// Debian does not package).
				if rest, ok := strings.CutPrefix(p, "--ignore="); ok {
					args = append(args, "--ignore="+filepath.Join(pkg, rest))
					continue
				}
				args = append(args, filepath.Join(pkg, p))
			}
			c := command{dir: site, env: pythonEnv(site), name: pythonPath, args: args, timeout: timeout}
			return suite{
				root: root,
				run: func(ctx context.Context) (outcome, error) {
					return runJUnit(ctx, c, junit)
				},
				loaded: func(ctx context.Context, instrumented bool) error {
					return checkImported(ctx, site, strings.ReplaceAll(pkg, "/", "."), filepath.Join(root, "__init__.py"), false)
				},
			}, nil
		},
	}
}

// namespaceFirst makes the copy of pkg under site the one imported when
// pkg sits in a namespace package. Debian declares namespaces such as zope
// in -nspkg.pth files, which create the namespace module at start-up with
// only dist-packages' folder in its __path__, so the copy's folder on
// PYTHONPATH is never searched; a sitecustomize.py beside the copy (run at
// start-up after the .pth files, in place of Debian's, which only installs
// apport's hook) puts its folder first. The namespace's __init__.py is
// copied too, uninstrumented, so that pytest names the test modules
// zope.interface.tests... as in dist-packages, not interface.tests...
func namespaceFirst(site, pkg string) error {
	ns := filepath.Dir(pkg)
	if ns == "." {
		return nil
	}
	if filepath.Dir(ns) != "." {
		return fmt.Errorf("%s: only one level of namespace is supported", pkg)
	}
	init, err := os.ReadFile(filepath.Join(distPackages, ns, "__init__.py"))
	if err != nil {
		return fmt.Errorf("the namespace %s has no __init__.py to copy: %w", ns, err)
	}
	if err := os.WriteFile(filepath.Join(site, ns, "__init__.py"), init, 0o644); err != nil {
		return err
	}
	hook := fmt.Sprintf("import %[1]s\n%[1]s.__path__.insert(0, %[2]q)\n", ns, filepath.Join(site, ns))
	return os.WriteFile(filepath.Join(site, "sitecustomize.py"), []byte(hook), 0o644)
}

// stdlibModule is a pure-Python stdlib module (a file or a package) copied
// into a folder that shadows the standard library, instrumented, and run
// against CPython's own test for it with regrtest.
func stdlibModule(module string, tests []string, timeout time.Duration) project {
	return project{
		name: "cpython:" + module,
		debs: []string{"libpython3.11-testsuite"},
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root := filepath.Join(work, "lib")
			src := filepath.Join(stdlibDir, module+".py")
			dst := filepath.Join(root, module+".py")
			origin := dst
			if info, err := os.Stat(filepath.Join(stdlibDir, module)); err == nil && info.IsDir() {
				src, dst = filepath.Join(stdlibDir, module), filepath.Join(root, module)
				origin = filepath.Join(dst, "__init__.py")
			}
			if err := os.MkdirAll(root, 0o755); err != nil {
				return suite{}, err
			}
			if err := copyTree(src, dst); err != nil {
				return suite{}, fmt.Errorf("copying the stdlib's %s: %w", module, err)
			}
			junit := filepath.Join(work, "junit.xml")
			// regrtest runs in a temporary folder of its own; run it from
			// work so that nothing it leaves lands in the instrumented copy.
			args := append([]string{"-m", "test", "--junit-xml", junit}, tests...)
			c := command{dir: work, env: pythonEnv(root), name: pythonPath, args: args, timeout: timeout}
			return suite{
				root: root,
				run: func(ctx context.Context) (outcome, error) {
					return runJUnit(ctx, c, junit)
				},
				loaded: func(ctx context.Context, instrumented bool) error {
					return checkImported(ctx, root, module, origin, instrumented)
				},
			}, nil
		},
	}
}

// checkImported fails unless importing module in the suite's environment
// loads want: a copy that is not imported (a frozen module, one imported
// before sys.path is read) tests nothing. With instrumented set, the file
// must also carry injected lines, or the table would count an
// uninstrumented run as a pass.
func checkImported(ctx context.Context, path, module, want string, instrumented bool) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pythonPath, "-c", "import sys, "+module+" as m; print(m.__file__)")
	cmd.Env = pythonEnv(path)
	// The path is read from stdout alone: a deprecated module (aifc, cgi,
	// telnetlib...) warns on stderr when it is imported.
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("import %s fails: %s (%w)\n%s", module, lastLine(stderr.String()), err, tail(stderr.String(), 8))
	}
	got := strings.TrimSpace(string(out))
	if filepath.Clean(got) != filepath.Clean(want) {
		return fmt.Errorf("import %s loads %s, not the copy %s", module, got, want)
	}
	if instrumented {
		return carriesInjection(want)
	}
	return nil
}

// carriesInjection fails unless the module file want, or for a package
// (want is its __init__.py) some module of the package, has an injected
// line: the default planner's budget may leave a package's small
// __init__.py as it is (email's four one-line helpers) while the modules
// it imports are instrumented.
func carriesInjection(want string) error {
	files := []string{want}
	if filepath.Base(want) == "__init__.py" {
		var err error
		if files, err = pythonFiles(filepath.Dir(want)); err != nil {
			return err
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "@telemetry-inject") {
			return nil
		}
	}
	if len(files) > 1 {
		return fmt.Errorf("no module of the package %s carries an injected line", filepath.Dir(want))
	}
	return fmt.Errorf("%s carries no injected line", want)
}

// pythonFiles lists the .py files under dir.
func pythonFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".py") {
			files = append(files, p)
		}
		return err
	})
	return files, err
}

// junitReport is the part of a JUnit XML report (pytest's and regrtest's)
// that the counts need.
type junitReport struct {
	Cases []junitCase `xml:"testsuite>testcase"`
	// pytest writes one <testsuite> at the root, regrtest a <testsuites>.
	Flat []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	Result  string        `xml:"result,attr"`
	Failure *junitMessage `xml:"failure"`
	Error   *junitMessage `xml:"error"`
	Skipped *junitMessage `xml:"skipped"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// runJUnit runs c, which writes a JUnit XML report to junit, and counts it.
// A run that wrote no report (it crashed, or timed out) counts nothing, and
// the comparison with the baseline shows its output.
func runJUnit(ctx context.Context, c command, junit string) (outcome, error) {
	_ = os.Remove(junit)
	res, err := c.run(ctx)
	if err != nil {
		return outcome{}, err
	}
	o := outcome{res: res, cases: map[string]caseResult{}}
	b, err := os.ReadFile(junit)
	if err != nil {
		return o, nil
	}
	var rep junitReport
	if err := xml.Unmarshal(b, &rep); err != nil {
		return o, fmt.Errorf("reading %s: %w", junit, err)
	}
	for _, tc := range append(rep.Cases, rep.Flat...) {
		id := tc.Name
		if tc.Class != "" {
			id = tc.Class + "::" + tc.Name
		}
		cr := caseResult{status: "passed"}
		switch {
		case tc.Error != nil:
			cr = caseResult{"error", tc.Error.summary()}
			o.counts.errors++
		case tc.Failure != nil:
			cr = caseResult{"failed", tc.Failure.summary()}
			o.counts.failed++
		case tc.Skipped != nil || tc.Result == "skipped":
			cr.status = "skipped"
			o.counts.skipped++
		default:
			o.counts.passed++
		}
		// A test id seen twice (pytest reports a teardown error as a second
		// case) keeps its worse status.
		if prev, ok := o.cases[id]; ok && prev.status != "passed" {
			continue
		}
		o.cases[id] = cr
	}
	return o, nil
}

// summary is the message and the last line of the traceback, which is
// where the exception is named when the message is generic.
func (m *junitMessage) summary() string {
	last := ""
	for _, l := range strings.Split(strings.TrimSpace(m.Text), "\n") {
		if strings.TrimSpace(l) != "" {
			last = strings.TrimSpace(l)
		}
	}
	msg := strings.TrimSpace(m.Message)
	if last == "" || strings.Contains(msg, last) {
		return msg
	}
	if msg == "" {
		return last
	}
	return msg + " … " + last
}

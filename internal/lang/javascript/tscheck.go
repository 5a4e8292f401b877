package javascript

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// TypeScriptSetup is what type-checks a TypeScript file: the typescript
// package of the project (the one its node_modules/.bin/tsc runs) and the
// tsconfig.json nearest above the file. Either may be missing; then the
// output is only parsed.
type TypeScriptSetup struct {
	// Package is the folder of the typescript npm package, "" when none
	// was found.
	Package string
	// Config is the tsconfig.json that governs the file, "" when none.
	Config string
	// Native is a typescript package found above the file whose compiler
	// has no JavaScript API to check with (TypeScript 7, the native
	// compiler), as "FOLDER (version V)"; "" when none.
	Native string
}

// Checks reports whether output is type-checked, not only parsed.
func (s TypeScriptSetup) Checks() bool { return s.Package != "" && s.Config != "" }

// Explain says in words how TypeScript output is validated, for the run's
// summary ("type-checked with ..." or why it is parse-only).
func (s TypeScriptSetup) Explain() string {
	switch {
	case s.Package == "" && s.Native != "":
		return "TypeScript output parsed only: the typescript package at " + s.Native +
			" has no JavaScript API (lib/typescript.js, TypeScript 5 and older) to type-check with; run your tsc on the output"
	case s.Package == "":
		return "TypeScript output parsed only: no typescript package found (node_modules/.bin/tsc above the files)"
	case s.Config == "":
		return "TypeScript output parsed only: no tsconfig.json above the files"
	}
	return "TypeScript output type-checked with " + s.Package + " against " + s.Config
}

// FindTypeScript returns the setup for the TypeScript file at abs: tsc is
// the compiler the options name ("" to look for node_modules/.bin/tsc in
// the folders above the file).
func FindTypeScript(abs, tsc string) TypeScriptSetup {
	var s TypeScriptSetup
	if tsc != "" {
		s.Package = packageOfTSC(tsc)
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if s.Config == "" && isFile(filepath.Join(dir, "tsconfig.json")) {
			s.Config = filepath.Join(dir, "tsconfig.json")
		}
		if s.Package == "" {
			if bin := filepath.Join(dir, "node_modules", ".bin", "tsc"); isFile(bin) {
				s.Package = packageOfTSC(bin)
				if s.Package == "" && s.Native == "" {
					s.Native = nativeTSC(bin)
				}
			}
		}
		if s.Package != "" && s.Config != "" || filepath.Dir(dir) == dir {
			return s
		}
	}
}

// packageOfTSC follows a tsc (often a link into the package's bin folder)
// to the typescript package folder.
func packageOfTSC(tsc string) string {
	real, err := filepath.EvalSymlinks(tsc)
	if err != nil {
		return ""
	}
	pkg := filepath.Dir(filepath.Dir(real))
	if !isFile(filepath.Join(pkg, "lib", "typescript.js")) {
		return ""
	}
	return pkg
}

// nativeTSC names the typescript package a tsc without a JavaScript API
// belongs to, with its version, so that the summary says why it is not
// used rather than that there is none.
func nativeTSC(tsc string) string {
	real, err := filepath.EvalSymlinks(tsc)
	if err != nil {
		return ""
	}
	pkg := filepath.Dir(filepath.Dir(real))
	data, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	if err != nil {
		return ""
	}
	var meta struct{ Name, Version string }
	if json.Unmarshal(data, &meta) != nil || meta.Name != "typescript" {
		return ""
	}
	return pkg + " (version " + meta.Version + ")"
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

// tscChecker keeps one node process running tscScript for every project
// it is asked about. Requests are serialised; a process that dies starts
// again on the next request.
type tscChecker struct {
	node string // node executable, "" for PATH lookup
	tsc  string // a tsc the options name, "" to look in node_modules

	mu   sync.Mutex
	proc nodeProcess
}

// newTSCChecker returns a checker that starts its node process on the
// first request.
func newTSCChecker(node, tsc string) *tscChecker {
	return &tscChecker{node: node, tsc: tsc, proc: nodeProcess{
		what: "TypeScript checker",
		args: []string{"--no-warnings", "-e", tscScript},
		buf:  1 << 16,
	}}
}

// TSFile is one instrumented TypeScript file to type-check.
type TSFile struct {
	File *source.File // the original, with its Abs path
	Out  []byte       // the instrumented text
}

type tscRequest struct {
	TSLib   string    `json:"tslib"`
	Config  string    `json:"config"`
	Files   []tscText `json:"files"`
	Virtual []tscText `json:"virtual"`
}

type tscText struct {
	Path string `json:"path"`
	Text string `json:"text"`
}

type tscAnswer struct {
	Error   string `json:"error"`
	Version string `json:"version"`
	Results []struct {
		Path    string   `json:"path"`
		Errors  []string `json:"errors"`
		Skipped string   `json:"skipped"`
	} `json:"results"`
}

// CheckTypeScript type-checks instrumented TypeScript files with their
// projects' own compiler, one compiler run per project (the files are
// grouped by typescript package and tsconfig), and returns an error per
// file whose output has type errors its original did not have. Files with
// no compiler or tsconfig are not checked (see FindTypeScript). A pipeline
// that validates many files should call this once with all of them rather
// than Validate per file.
func CheckTypeScript(ctx context.Context, node, tsc string, files []TSFile) (map[string]error, error) {
	c := newTSCChecker(node, tsc)
	defer c.Close()
	return c.check(ctx, files)
}

func (c *tscChecker) check(ctx context.Context, files []TSFile) (map[string]error, error) {
	groups := map[TypeScriptSetup][]TSFile{}
	var order []TypeScriptSetup
	for _, f := range files {
		s := FindTypeScript(f.File.Abs, c.tsc)
		if !s.Checks() {
			continue
		}
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], f)
	}
	out := map[string]error{}
	for _, s := range order {
		req := tscRequest{TSLib: s.Package, Config: s.Config}
		for _, f := range groups[s] {
			req.Files = append(req.Files, tscText{Path: f.File.Abs, Text: string(f.Out)})
			if v, ok := runtimeDeclarations(f.File.Abs, f.Out); ok {
				req.Virtual = append(req.Virtual, v)
			}
		}
		ans, err := c.ask(ctx, req)
		if errors.Is(err, errNoTSNode) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for _, r := range ans.Results {
			if len(r.Errors) > 0 {
				out[r.Path] = fmt.Errorf("tsc %s (%s) rejects the instrumented output: %s", ans.Version, s.Config, strings.Join(r.Errors, "; "))
			}
		}
	}
	return out, nil
}

// importSpec finds the runtime's module specifier in an injected import.
var importSpec = regexp.MustCompile(`/\*@ti\{\*/import (?:\* as __ti from |__ti = require\()("[^"]*")`)

// runtimeDeclarations returns the runtime's declarations as a virtual
// file where the instrumented file's import will find them, when no
// runtime file is there yet (the run writes it after validating).
func runtimeDeclarations(abs string, out []byte) (tscText, bool) {
	m := importSpec.FindSubmatch(out)
	if m == nil {
		return tscText{}, false
	}
	var spec string
	if err := json.Unmarshal(m[1], &spec); err != nil || !strings.HasPrefix(spec, ".") {
		return tscText{}, false
	}
	target := filepath.Join(filepath.Dir(abs), filepath.FromSlash(spec))
	stem := strings.TrimSuffix(target, filepath.Ext(target))
	for _, ext := range []string{".ts", ".d.ts", ".js", ".mjs", ".cjs"} {
		if isFile(stem + ext) {
			return tscText{}, false
		}
	}
	return tscText{Path: stem + ".d.ts", Text: string(utilfiles.Declarations())}, true
}

// Validate type-checks one file; see CheckTypeScript.
func (c *tscChecker) Validate(ctx context.Context, f *source.File, out []byte) error {
	errs, err := c.check(ctx, []TSFile{{File: f, Out: out}})
	if err != nil {
		return err
	}
	return errs[f.Abs]
}

// errNoTSNode reports that node, needed to run the compiler, is missing.
var errNoTSNode = errors.New("node not found: TypeScript output is parsed only")

func (c *tscChecker) ask(ctx context.Context, req tscRequest) (tscAnswer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.start(); err != nil {
		return tscAnswer{}, err
	}
	line, err := json.Marshal(req)
	if err != nil {
		return tscAnswer{}, err
	}
	b, err := c.proc.roundTrip(ctx, func(w io.Writer) error {
		_, err := w.Write(append(line, '\n'))
		return err
	})
	if err != nil {
		return tscAnswer{}, err
	}
	var ans tscAnswer
	if err := json.Unmarshal(b, &ans); err != nil {
		c.proc.stop()
		return tscAnswer{}, fmt.Errorf("talking to the TypeScript checker: %w", err)
	}
	if ans.Error != "" {
		return tscAnswer{}, fmt.Errorf("type-checking with %s: %s", req.TSLib, ans.Error)
	}
	return ans, nil
}

func (c *tscChecker) start() error {
	if c.proc.cmd != nil {
		return nil
	}
	node := c.node
	if node == "" {
		p, err := exec.LookPath("node")
		if err != nil {
			return errNoTSNode
		}
		node = p
	}
	return c.proc.start(node)
}

// Close ends the checker process.
func (c *tscChecker) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.proc.stop()
	return nil
}

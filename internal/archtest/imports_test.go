// Package archtest holds the test that keeps the import graph the shape
// DESIGN.md gives it: data flows one way along the pipeline, the request
// engine stands alone, and only the command line names concrete languages
// and providers.
package archtest

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/telemetry-inject/telemetry-inject/"

// rank orders the packages along the pipeline: a package may import only
// packages of a lower rank. A new package needs a line here, which is the
// moment to think about where it stands.
var rank = map[string]int{
	"internal/source":     0,
	"internal/engine":     0, // a library of its own: imports nothing of ours
	"internal/iostreams":  0,
	"internal/atomicfile": 0,
	"internal/lock":       0,
	"internal/npmtest":    0, // used by tests only
	"internal/patch":      0,
	"internal/config":     0,

	"internal/inject":    1,
	"internal/scan":      1,
	"internal/layout":    1,
	"internal/utilfiles": 1,
	// The Go runtime, compiled here as a package of its own; it imports
	// only the standard library.
	"internal/utilfiles/goruntime": 0,
	"internal/models":              1,
	"internal/cache":               1,
	"internal/accountlimits":       1, // imports atomicfile
	// The contract between the pipeline and the deciders, apart from
	// both so that neither imports the other.
	"internal/decision": 1,

	"internal/lang/treesitter": 2,
	"internal/lang":            2,
	"internal/prompt":          2,
	"internal/capability":      2,

	"internal/lang/python":     3,
	"internal/lang/javascript": 3,
	"internal/lang/golang":     3,
	"internal/lang/langtest":   3, // used by the languages' tests only
	"internal/llm":             3,
	"internal/decide":          3,

	"internal/llm/openai":     4,
	"internal/llm/anthropic":  4,
	"internal/llm/ollama":     4,
	"internal/llm/llmtest":    4,
	"internal/decide/builtin": 4,

	"internal/pipeline": 5,
	"internal/batch":    5,
	"internal/dispatch": 6,
	"internal/bench":    6,
	"internal/view":     1,

	"internal/cli":         9,
	"cmd/telemetry-inject": 10,
}

// concrete packages that only the command line may name.
var onlyCLI = []string{
	"internal/lang/python", "internal/lang/javascript", "internal/lang/golang",
	"internal/llm/openai", "internal/llm/anthropic", "internal/llm/ollama",
}

// imports returns, for every package of the module, the module-internal
// and external packages its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for pkg, files := range parsed(t) {
		for _, f := range files {
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				out[pkg] = append(out[pkg], p)
			}
		}
	}
	return out
}

func TestImportsFlowDownThePipeline(t *testing.T) {
	graph := imports(t)
	for _, pkg := range slices.Sorted(maps.Keys(graph)) {
		from, ok := rank[pkg]
		if !ok {
			t.Errorf("%s has no rank: add it to the table in this test", pkg)
			continue
		}
		for _, imp := range graph[pkg] {
			dep, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			to, ok := rank[dep]
			if !ok {
				t.Errorf("%s imports %s, which has no rank", pkg, dep)
				continue
			}
			if to >= from {
				t.Errorf("%s (rank %d) imports %s (rank %d): imports must point down the pipeline", pkg, from, dep, to)
			}
		}
	}
}

func TestOnlyTheCommandLineNamesConcreteLanguagesAndProviders(t *testing.T) {
	for pkg, deps := range imports(t) {
		if pkg == "internal/cli" {
			continue
		}
		for _, imp := range deps {
			for _, c := range onlyCLI {
				if imp == module+c && !strings.HasPrefix(pkg, c) {
					t.Errorf("%s imports %s: only internal/cli may name a concrete language or provider", pkg, c)
				}
			}
		}
	}
}

func TestEngineAndCgoStayIsolated(t *testing.T) {
	for pkg, deps := range imports(t) {
		for _, imp := range deps {
			if pkg == "internal/engine" && strings.HasPrefix(imp, module) {
				t.Errorf("internal/engine imports %s: the engine must stand alone", imp)
			}
			if strings.HasPrefix(imp, "github.com/tree-sitter/") && pkg != "internal/lang/treesitter" {
				t.Errorf("%s imports %s: only internal/lang/treesitter may use cgo bindings", pkg, imp)
			}
			if imp == "C" && pkg != "internal/lang/treesitter" {
				t.Errorf("%s uses cgo: only internal/lang/treesitter may", pkg)
			}
		}
	}
}

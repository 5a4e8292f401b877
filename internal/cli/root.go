// Package cli turns the command line and the environment into options,
// wires the languages and the provider, runs the pipeline and prints what
// happened. It is the only package that names concrete languages and
// providers, and it decides exit codes in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/iostreams"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Options is everything a run is configured with, from flags and the
// environment.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Path    string
	Verbose bool
	DryRun  bool
	Remove  bool
	JSON    bool
	Force   bool // rewrite read-only files too

	Include []string // kinds
	Exclude []string // kinds or path globs

	// RecordValues opts in to recording values (never of sensitive
	// names); without it telemetry records shapes only.
	RecordValues bool
	// Density is the noise budget: low, medium or high.
	Density string

	Provider   string
	Model      string
	BaseURLs   []string
	NoParallel bool
	// Group asks about up to prompt.MaxGroupSize constructs of a file in
	// one request (the default); NoGroup, or --group=false, asks about
	// each alone. By default the groups are sized to the job (single
	// requests when it fits the rate limits' buckets); GroupExplicit, set
	// when --group was given, keeps them full.
	Group, NoGroup, GroupExplicit bool
	MaxParallel                   int
	RPM, TPM                      int
	Budget                        float64
	Timeout                       time.Duration
	NoCache                       bool
	Batch                         bool
	ModelsFile                    string

	Yes               bool
	Quiet             bool
	Check             bool
	NoDefaultExcludes bool
	Version           bool

	// ConfigFile is the file settings were read from, "" when none.
	ConfigFile string

	// notes are lines the run adds to the summary (how TypeScript output
	// was validated, say).
	notes []string
}

// Main runs the command line and returns the process's exit code.
func Main(ctx context.Context, args []string, ios *iostreams.IOStreams, getenv func(string) string) int {
	cmd := NewCmdRoot(ios, getenv, nil)
	if err := shadowed(cmd, args); err != nil {
		fmt.Fprintln(ios.ErrOut, "telemetry-inject: "+err.Error())
		return exitCode(err)
	}
	cmd.SetArgs(args)
	cmd.SetContext(ctx)
	err := cmd.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, errIncomplete) && !errors.Is(err, errWouldChange) {
		msg := err.Error()
		var fe *FlagError
		if errors.As(err, &fe) {
			msg += "\nRun 'telemetry-inject --help' for usage."
		}
		fmt.Fprintln(ios.ErrOut, "telemetry-inject: "+msg)
	}
	return exitCode(err)
}

// NewCmdRoot builds the root command. runF, when set, receives the parsed
// options instead of running them, so tests can check flag handling alone.
func NewCmdRoot(ios *iostreams.IOStreams, getenv func(string) string, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: ios, Getenv: getenv}
	cmd := &cobra.Command{
		Use:   "telemetry-inject PATH [flags]",
		Short: "Instrument Python, JavaScript and TypeScript code with telemetry",
		Long: `telemetry-inject walks PATH, finds functions, loops and variable assignments,
decides what telemetry each deserves (with an LLM, or offline with the built-in
planner when no provider is configured), injects it, and writes the small
runtime file the injected lines call. --remove takes it all out again, byte
for byte.

Provider configuration comes from flags or the environment: LLM_PROVIDER
(openai, anthropic, ollama, openai-compatible), LLM_MODEL, LLM_BASE_URL (a
comma-separated list balances a fleet), OPENAI_API_KEY, ANTHROPIC_API_KEY,
OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST.`,
		Example: `  telemetry-inject ./my-project -v
  telemetry-inject ./my-project --dry-run
  LLM_PROVIDER=ollama LLM_MODEL=llama3.1 telemetry-inject ./src --max-parallel 4
  telemetry-inject ./my-project --remove`,
		Args: func(_ *cobra.Command, args []string) error {
			if opts.Version {
				return nil
			}
			if len(args) != 1 {
				return flagErrorf("give exactly one PATH to instrument (got %d arguments)", len(args))
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Version {
				fmt.Fprintln(ios.Out, versionLine())
				return nil
			}
			opts.Path = args[0]
			opts.GroupExplicit = cmd.Flags().Changed("group")
			if err := checkExplicit(cmd.Flags(), opts); err != nil {
				return err
			}
			if err := applyConfig(cmd.Flags(), opts); err != nil {
				return err
			}
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetFlagErrorFunc(flagError)
	// A folder named "completion" must be instrumentable like any other.
	cmd.CompletionOptions.DisableDefaultCmd = true

	f := cmd.Flags()
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "explain capability detection and show progress")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print a unified diff of every change and write nothing")
	f.BoolVar(&opts.Remove, "remove", false, "remove everything telemetry-inject added, restoring the original bytes")
	f.BoolVar(&opts.Check, "check", false, "exit 1 and list the files a run would change, writing nothing (for CI)")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON on standard output")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "print only errors")
	f.BoolVar(&opts.Force, "force", false, "also rewrite read-only files, and hard-linked files in place with a backup (both left alone by default)")
	f.StringSliceVar(&opts.Include, "include", nil, "instrument only these kinds: functions, loops, variables")
	f.StringArrayVar(&opts.Exclude, "exclude", nil, "skip a kind (functions, loops, variables) or paths matching a gitignore-style `GLOB` (repeatable; !GLOB re-includes)")
	f.BoolVar(&opts.NoDefaultExcludes, "no-default-excludes", false, "also instrument tests, examples, docs, fixtures, migrations and vendored code")
	f.StringVar(&opts.Density, "density", "low", "noise budget `LEVEL`: low (at most 5 injected lines per 100 on real code), medium or high")
	f.BoolVar(&opts.RecordValues, "record-values", false, "record values of variables and span attributes instead of their type and size (never of sensitive names)")
	f.StringVar(&opts.Provider, "provider", "", "LLM provider: openai, anthropic, ollama, openai-compatible, builtin (default from LLM_PROVIDER)")
	f.StringVar(&opts.Model, "model", "", "model name (default from LLM_MODEL)")
	f.StringArrayVar(&opts.BaseURLs, "base-url", nil, "provider base `URL`; repeat to balance a fleet of hosts")
	f.BoolVar(&opts.NoParallel, "no-parallel", false, "send one request at a time")
	f.BoolVar(&opts.Group, "group", true, fmt.Sprintf("ask about up to %d constructs of a file in one request (the default)", prompt.MaxGroupSize))
	_ = f.MarkHidden("group") // kept for scripts written when grouping was opt-in
	f.BoolVar(&opts.NoGroup, "no-group", false, fmt.Sprintf("one request per construct instead of up to %d constructs of a file in one (same decisions, several times the input tokens)", prompt.MaxGroupSize))
	f.IntVar(&opts.MaxParallel, "max-parallel", 0, "cap concurrent requests per host at `N` (default: detected)")
	f.IntVar(&opts.RPM, "rpm", 0, "requests per minute allowed per host (default: from the model table and the server's headers)")
	f.IntVar(&opts.TPM, "tpm", 0, "tokens per minute allowed per host (default: from the model table and the server's headers)")
	f.Float64Var(&opts.Budget, "budget", 0, "stop sending requests once spending would pass `USD`; the rest use the built-in planner")
	f.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "ceiling for one LLM request; below it the timeout follows observed latency")
	f.BoolVar(&opts.NoCache, "no-cache", false, "ask the LLM again even for constructs answered before")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask before the first paid request (the estimate is still printed)")
	f.BoolVar(&opts.Batch, "batch", false, "use the provider's batch API (OpenAI, Anthropic): half price, results within 24 h")
	f.StringVar(&opts.ModelsFile, "models-file", "", "JSON `file` overriding the built-in model table (rate limits, prices)")
	f.BoolVar(&opts.Version, "version", false, "print the version, the commit and the prompt version")
	cmd.Flags().SortFlags = false

	cmd.AddCommand(newCmdBench(ios))
	cmd.AddCommand(newCmdView(ios))
	return cmd
}

// check validates flag combinations that cobra cannot.
func (o *Options) check() error {
	if o.Check && (o.DryRun || o.Remove) {
		return flagErrorf("--check reports what a run would change; it cannot be combined with --dry-run or --remove")
	}
	if o.Quiet && o.Verbose {
		return flagErrorf("--quiet and --verbose contradict each other")
	}
	if o.Remove && (o.DryRun && o.JSON) {
		return flagErrorf("--remove with --dry-run prints a diff; --json is not available with it")
	}
	if o.NoParallel && o.MaxParallel > 1 {
		return flagErrorf("--no-parallel and --max-parallel %d contradict each other", o.MaxParallel)
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"--max-parallel", o.MaxParallel}, {"--rpm", o.RPM}, {"--tpm", o.TPM}} {
		if n.v < 0 {
			return flagErrorf("%s must not be negative", n.name)
		}
	}
	if o.Budget < 0 {
		return flagErrorf("--budget must not be negative")
	}
	if _, err := o.kinds(); err != nil {
		return err
	}
	if _, err := o.policy(); err != nil {
		return err
	}
	return nil
}

// policy is what the run lets telemetry record.
func (o *Options) policy() (decide.Policy, error) {
	d, err := decide.ParseDensity(o.Density)
	if err != nil {
		return decide.Policy{}, flagErrorf("--density: %v", err)
	}
	return decide.Policy{RecordValues: o.RecordValues, Density: d}, nil
}

// kindNames maps the words users write to construct kinds.
func kindOf(word string) (source.Kind, bool) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "function", "functions":
		return source.Function, true
	case "loop", "loops":
		return source.Loop, true
	case "variable", "variables", "var", "vars":
		return source.Variable, true
	}
	return "", false
}

// kinds returns the kinds to instrument (nil: all) from --include and the
// kind names among --exclude.
func (o *Options) kinds() (map[source.Kind]bool, error) {
	if len(o.Include) == 0 && len(o.excludedKinds()) == 0 {
		return nil, nil
	}
	set := map[source.Kind]bool{}
	if len(o.Include) == 0 {
		for _, k := range source.Kinds {
			set[k] = true
		}
	}
	for _, w := range o.Include {
		k, ok := kindOf(w)
		if !ok {
			return nil, flagErrorf("--include %q: want functions, loops or variables", w)
		}
		set[k] = true
	}
	for _, k := range o.excludedKinds() {
		delete(set, k)
	}
	if len(set) == 0 {
		return nil, flagErrorf("--include and --exclude leave no kind of construct to instrument")
	}
	return set, nil
}

func (o *Options) excludedKinds() []source.Kind {
	var out []source.Kind
	for _, w := range o.Exclude {
		if k, ok := kindOf(w); ok {
			out = append(out, k)
		}
	}
	return out
}

// excludedGlobs are the --exclude values that are not kind names.
func (o *Options) excludedGlobs() []string {
	var out []string
	for _, w := range o.Exclude {
		if _, ok := kindOf(w); !ok {
			out = append(out, w)
		}
	}
	return out
}

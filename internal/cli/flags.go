package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// providerNames are the values --provider accepts, in the order help lists
// them.
func providerNames() []string {
	return []string{"openai", "anthropic", "ollama", "openai-compatible", "builtin"}
}

// goodValue is an example of a value each flag accepts, for error messages
// that show the user what to write instead.
func goodValue(flag string) string {
	switch flag {
	case "rpm":
		return "--rpm 500"
	case "tpm":
		return "--tpm 200000"
	case "max-parallel":
		return "--max-parallel 8"
	case "timeout":
		return "--timeout 90s"
	case "budget":
		return "--budget 2.50"
	case "density":
		return "--density low"
	case "n":
		return "--n 300"
	case "seed":
		return "--seed 1"
	}
	return ""
}

// flagError turns pflag's parse errors, which quote Go's strconv, into a
// message that names the flag, the bad value and a good one.
func flagError(_ *cobra.Command, err error) error {
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) {
		name, value := inv.GetFlag().Name, inv.GetValue()
		msg := fmt.Sprintf("--%s %q is not valid", name, value)
		switch inv.GetFlag().Value.Type() {
		case "duration":
			msg += ": want a duration with a unit"
			if isDigits(value) {
				msg += fmt.Sprintf(" (%ss for %s seconds)", value, value)
			}
		case "int", "uint64":
			msg += ": want a whole number"
		case "float64":
			msg += ": want a number"
		}
		if g := goodValue(name); g != "" {
			msg += ", for example " + g
		}
		return &FlagError{Err: errors.New(msg)}
	}
	return &FlagError{Err: err}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkExplicit rejects values given on the command line that have no
// meaning: a zero limit is not "no limit" and not "the default", so rather
// than guess, the message says how to get either.
func checkExplicit(f *pflag.FlagSet, o *Options) error {
	positive := []struct {
		flag string
		bad  bool
		hint string
	}{
		{"max-parallel", o.MaxParallel < 1, "leave it out to use the detected value, or use --no-parallel for one at a time"},
		{"rpm", o.RPM < 1, "leave it out to use the model table and the server's headers"},
		{"tpm", o.TPM < 1, "leave it out to use the model table and the server's headers"},
		{"timeout", o.Timeout <= 0, "leave it out for the default of 60s"},
		{"budget", o.Budget <= 0, "use --provider builtin to spend nothing"},
	}
	for _, p := range positive {
		if f.Changed(p.flag) && p.bad {
			return flagErrorf("--%s %s: want a value above 0, for example %s (%s)", p.flag, f.Lookup(p.flag).Value.String(), goodValue(p.flag), p.hint)
		}
	}
	if o.Provider != "" && !slices.Contains(providerNames(), strings.ToLower(o.Provider)) {
		return flagErrorf("--provider %q: want one of %s", o.Provider, strings.Join(providerNames(), ", "))
	}
	return nil
}

// shadowed returns an error when args start with a subcommand's name and a
// file or folder of that name exists where the user stands: the user may
// mean either, and guessing wrong starts a benchmark or prints help instead
// of instrumenting their code (or the reverse).
func shadowed(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	name := args[0]
	if name != "help" && !hasSubcommand(cmd, name) {
		return nil
	}
	if _, err := os.Stat(name); err != nil {
		return nil
	}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") && a != "-v" && a != "--verbose" {
			// Flags of the subcommand (bench --short) say which was meant.
			return nil
		}
	}
	return flagErrorf("%q is both a command and a folder here: write ./%s (or -- %s) to instrument the folder, or give one of the command's flags (telemetry-inject %s --help lists them) to run the command", name, name, name, name)
}

func hasSubcommand(cmd *cobra.Command, name string) bool {
	for _, c := range cmd.Commands() {
		if c.Name() == name {
			return true
		}
	}
	return false
}

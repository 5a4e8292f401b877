package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/telemetry-inject/telemetry-inject/internal/config"
)

// applyConfig reads the project's configuration file and fills in every
// option the command line left unset: flags override the file, and the
// file overrides the environment (LLM_PROVIDER and friends), because a
// setting written into the project is more deliberate than one inherited
// from a shell.
func applyConfig(f *pflag.FlagSet, o *Options) error {
	dir, err := projectDir(o.Path)
	if err != nil {
		return nil // the run reports a missing path with its own message
	}
	c, err := config.Load(dir)
	if err != nil {
		return flagErrorf("%v", err)
	}
	if c.Source == "" {
		return nil
	}
	o.ConfigFile = c.Source
	set := func(flag string, apply func()) {
		if !f.Changed(flag) {
			apply()
		}
	}
	// Excludes add up: the file's and the command line's both apply.
	o.Exclude = append(append([]string{}, c.Exclude...), o.Exclude...)
	if len(c.Include) > 0 {
		set("include", func() { o.Include = c.Include })
	}
	if c.DefaultExcludes != nil {
		set("no-default-excludes", func() { o.NoDefaultExcludes = !*c.DefaultExcludes })
	}
	if c.Provider != nil {
		set("provider", func() { o.Provider = *c.Provider })
	}
	if c.Model != nil {
		set("model", func() { o.Model = *c.Model })
	}
	if len(c.BaseURLs) > 0 {
		set("base-url", func() { o.BaseURLs = c.BaseURLs })
	}
	if c.MaxParallel != nil {
		set("max-parallel", func() { o.MaxParallel = *c.MaxParallel })
	}
	if c.NoParallel != nil {
		set("no-parallel", func() { o.NoParallel = *c.NoParallel })
	}
	if c.RPM != nil {
		set("rpm", func() { o.RPM = *c.RPM })
	}
	if c.TPM != nil {
		set("tpm", func() { o.TPM = *c.TPM })
	}
	if c.Budget != nil {
		set("budget", func() { o.Budget = *c.Budget })
	}
	if c.Density != nil {
		set("density", func() { o.Density = *c.Density })
	}
	if c.RecordValues != nil {
		set("record-values", func() { o.RecordValues = *c.RecordValues })
	}
	if d, ok, _ := c.TimeoutValue(); ok {
		set("timeout", func() { o.Timeout = d })
	}
	return nil
}

// projectDir is where the configuration is looked for: the folder given,
// or a file's folder, and then each parent up to the repository's top (the
// folder holding .git), so `telemetry-inject src/` finds the settings kept
// at the root of the repository.
func projectDir(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if hasConfig(dir) {
			return dir, nil
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || filepath.Dir(dir) == dir {
			return abs, nil
		}
	}
}

// hasConfig reports whether dir holds a file that may carry settings.
func hasConfig(dir string) bool {
	c, err := config.Load(dir)
	return err != nil || c.Source != ""
}

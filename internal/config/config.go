// Package config reads a project's telemetry-inject settings from the files
// teams already keep at the root of a project: `.telemetry-inject.toml`,
// the `[tool.telemetry-inject]` table of `pyproject.toml`, or the
// `"telemetry-inject"` key of `package.json`. It only reads and checks; the
// command line decides what wins (flags override the file).
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the settings a file may hold. A nil pointer or an empty slice
// means "not set", so the command line can tell a setting from its zero
// value.
type Config struct {
	Exclude         []string `toml:"exclude" json:"exclude"`
	Include         []string `toml:"include" json:"include"`
	DefaultExcludes *bool    `toml:"default_excludes" json:"default_excludes"`
	Provider        *string  `toml:"provider" json:"provider"`
	Model           *string  `toml:"model" json:"model"`
	BaseURLs        []string `toml:"base_urls" json:"base_urls"`
	MaxParallel     *int     `toml:"max_parallel" json:"max_parallel"`
	NoParallel      *bool    `toml:"no_parallel" json:"no_parallel"`
	RPM             *int     `toml:"rpm" json:"rpm"`
	TPM             *int     `toml:"tpm" json:"tpm"`
	Budget          *float64 `toml:"budget" json:"budget"`
	Timeout         *string  `toml:"timeout" json:"timeout"`
	Density         *string  `toml:"density" json:"density"`
	RecordValues    *bool    `toml:"record_values" json:"record_values"`

	// Source names the file the settings came from ("" when none was
	// found), for -v and for error messages.
	Source string `toml:"-" json:"-"`
}

// place is one file settings may be kept in.
type place struct {
	name string
	read func([]byte, *Config) (bool, error)
}

// places are looked at in order; the first that holds settings wins. The
// dedicated file comes first: a team that writes one means it.
func places() []place {
	return []place{
		{".telemetry-inject.toml", readTOML},
		{"pyproject.toml", readPyproject},
		{"package.json", readPackageJSON},
	}
}

// Load looks for settings in dir, the project root. No file, or files that
// hold no telemetry-inject settings, give an empty Config and no error; a
// file that holds them but cannot be read, or names an unknown key, is an
// error that says which file and which key.
func Load(dir string) (Config, error) {
	for _, f := range places() {
		p := filepath.Join(dir, f.name)
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return Config{}, fmt.Errorf("reading %s: %w", p, err)
		}
		var c Config
		found, err := f.read(b, &c)
		if err != nil {
			return Config{}, fmt.Errorf("%s: %w", p, err)
		}
		if found {
			c.Source = p
			return c, c.check()
		}
	}
	return Config{}, nil
}

// TimeoutValue returns the timeout setting as a duration.
func (c Config) TimeoutValue() (time.Duration, bool, error) {
	if c.Timeout == nil {
		return 0, false, nil
	}
	d, err := time.ParseDuration(*c.Timeout)
	if err != nil || d <= 0 {
		return 0, false, fmt.Errorf("%s: timeout = %q: want a positive duration such as \"90s\" or \"2m\"", c.Source, *c.Timeout)
	}
	return d, true, nil
}

// check rejects values no run could use, naming the file and key.
func (c Config) check() error {
	if _, _, err := c.TimeoutValue(); err != nil {
		return err
	}
	for _, n := range []struct {
		key string
		v   *int
	}{{"max_parallel", c.MaxParallel}, {"rpm", c.RPM}, {"tpm", c.TPM}} {
		if n.v != nil && *n.v < 1 {
			return fmt.Errorf("%s: %s = %d: want a whole number of at least 1 (leave the key out for the default)", c.Source, n.key, *n.v)
		}
	}
	if c.Budget != nil && *c.Budget <= 0 {
		return fmt.Errorf("%s: budget = %g: want dollars above 0, such as 2.50", c.Source, *c.Budget)
	}
	return nil
}

func readTOML(b []byte, c *Config) (bool, error) {
	md, err := toml.Decode(string(b), c)
	if err != nil {
		return false, err
	}
	return true, unknownKeys(md.Undecoded(), "")
}

// readPyproject reads the [tool.telemetry-inject] table; a pyproject.toml
// without one holds no settings of ours.
func readPyproject(b []byte, c *Config) (bool, error) {
	var doc struct {
		Tool map[string]toml.Primitive `toml:"tool"`
	}
	md, err := toml.Decode(string(b), &doc)
	if err != nil {
		return false, err
	}
	prim, ok := doc.Tool["telemetry-inject"]
	if !ok {
		return false, nil
	}
	if err := md.PrimitiveDecode(prim, c); err != nil {
		return false, fmt.Errorf("[tool.telemetry-inject]: %w", err)
	}
	var ours []toml.Key
	for _, k := range md.Undecoded() {
		if len(k) > 2 && k[0] == "tool" && k[1] == "telemetry-inject" {
			ours = append(ours, k[2:])
		}
	}
	return true, unknownKeys(ours, "[tool.telemetry-inject] ")
}

// readPackageJSON reads the "telemetry-inject" key of package.json.
func readPackageJSON(b []byte, c *Config) (bool, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		// An unreadable package.json is the JavaScript tooling's problem to
		// report; it holds no settings we can use.
		return false, nil
	}
	raw, ok := doc["telemetry-inject"]
	if !ok {
		return false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return false, fmt.Errorf(`"telemetry-inject": %w (known keys: %s)`, err, strings.Join(KnownKeys(), ", "))
	}
	return true, nil
}

func unknownKeys(keys []toml.Key, where string) error {
	if len(keys) == 0 {
		return nil
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.String())
	}
	sort.Strings(names)
	return fmt.Errorf("%sunknown key %s (known keys: %s)", where, strings.Join(names, ", "), strings.Join(KnownKeys(), ", "))
}

// KnownKeys lists the keys a configuration may hold, for error messages
// and documentation.
func KnownKeys() []string {
	return []string{"exclude", "include", "default_excludes", "provider", "model", "base_urls", "max_parallel", "no_parallel", "rpm", "tpm", "budget", "timeout", "density", "record_values"}
}

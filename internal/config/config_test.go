package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadEachPlace(t *testing.T) {
	for _, tc := range []struct {
		file, body string
	}{
		{".telemetry-inject.toml", "exclude = [\"gen/\"]\nprovider = \"ollama\"\nmax_parallel = 6\ntimeout = \"90s\"\n"},
		{"pyproject.toml", "[project]\nname = \"x\"\n[tool.black]\nline-length = 100\n[tool.telemetry-inject]\nexclude = [\"gen/\"]\nprovider = \"ollama\"\nmax_parallel = 6\ntimeout = \"90s\"\n"},
		{"package.json", `{"name": "x", "scripts": {}, "telemetry-inject": {"exclude": ["gen/"], "provider": "ollama", "max_parallel": 6, "timeout": "90s"}}`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.file, tc.body)
			c, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != filepath.Join(dir, tc.file) {
				t.Errorf("Source = %q", c.Source)
			}
			if len(c.Exclude) != 1 || c.Exclude[0] != "gen/" || c.Provider == nil || *c.Provider != "ollama" || c.MaxParallel == nil || *c.MaxParallel != 6 {
				t.Errorf("got %+v", c)
			}
			if d, ok, err := c.TimeoutValue(); err != nil || !ok || d.Seconds() != 90 {
				t.Errorf("timeout = %v %v %v", d, ok, err)
			}
		})
	}
}

func TestDedicatedFileWins(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".telemetry-inject.toml", "model = \"a\"\n")
	write(t, dir, "pyproject.toml", "[tool.telemetry-inject]\nmodel = \"b\"\n")
	c, err := Load(dir)
	if err != nil || *c.Model != "a" {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestFilesWithoutOurSettings(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
	write(t, dir, "package.json", `{"name": "x"}`)
	c, err := Load(dir)
	if err != nil || c.Source != "" {
		t.Fatalf("got %+v, %v; want no settings", c, err)
	}
}

func TestUnknownKeysAndBadValuesNameTheKey(t *testing.T) {
	for _, tc := range []struct{ file, body, want string }{
		{".telemetry-inject.toml", "excludes = [\"x\"]\n", "unknown key excludes"},
		{"pyproject.toml", "[tool.telemetry-inject]\nmodle = \"x\"\n", "unknown key modle"},
		{"package.json", `{"telemetry-inject": {"provdier": "x"}}`, `"provdier"`},
		{".telemetry-inject.toml", "timeout = \"5\"\n", `timeout = "5"`},
		{".telemetry-inject.toml", "max_parallel = 0\n", "max_parallel = 0"},
		{".telemetry-inject.toml", "budget = -1.0\n", "budget = -1"},
		{".telemetry-inject.toml", "rpm = \"fast\"\n", "rpm"},
	} {
		dir := t.TempDir()
		write(t, dir, tc.file, tc.body)
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("%s %q: error %v; want one naming %s and %q", tc.file, tc.body, err, tc.file, tc.want)
		}
	}
}

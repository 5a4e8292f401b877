package models

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustLoad(t *testing.T, userFile string) *Table {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // never read the developer's own file
	tab, err := Load(userFile)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestLookupFamilies(t *testing.T) {
	tab := mustLoad(t, "")
	cases := []struct{ provider, model, want string }{
		{"openai", "gpt-4o", "gpt-4o"},
		{"openai", "gpt-4o-2024-08-06", "gpt-4o"},
		{"openai", "gpt-4o-mini", "gpt-4o-mini"},
		{"openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"openai", "gpt-4.1", "gpt-4.1"},
		{"openai", "gpt-4.1-2025-04-14", "gpt-4.1"},
		{"openai", "gpt-4.1-mini", "gpt-4.1-mini"},
		{"openai", "gpt-4.1-nano", "gpt-4.1-nano"},
		{"openai", "gpt-5", "gpt-5"},
		{"openai", "gpt-5-2025-08-07", "gpt-5"},
		{"openai", "gpt-5-mini", "gpt-5-mini"},
		{"openai", "gpt-5-nano", "gpt-5-nano"},
		{"openai", "gpt-5.2", "gpt-5.2"},
		{"openai", "o1", "o1"},
		{"openai", "o1-mini", "o1-mini"},
		{"openai", "o3", "o3"},
		{"openai", "o3-mini", "o3-mini"},
		{"openai", "o4-mini", "o4-mini"},
		{"openai", "O4-Mini-2025-04-16", "o4-mini"},
		{"anthropic", "claude-opus-4-20250514", "claude-opus-4"},
		{"anthropic", "claude-opus-4-1-20250805", "claude-opus-4"},
		{"anthropic", "claude-opus-4-5", "claude-opus-4-5"},
		{"anthropic", "claude-opus-4-6", "claude-opus-4-5"},
		{"anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4"},
		{"anthropic", "claude-haiku-4-5", "claude-haiku-4-5"},
		{"anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet"},
		{"anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet"},
		{"anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku"},
		{"anthropic", "claude-3-opus-20240229", "claude-3-opus"},
		{"anthropic", "claude-3-haiku-20240307", "claude-3-haiku"},
		{"openai-compatible", "openai/gpt-4o-mini", "gpt-4o-mini"},
		{"openai-compatible", "anthropic/claude-sonnet-4", "claude-sonnet-4"},
		{"anthropic", "gpt-4o", "unknown"}, // another vendor's model is not this provider's
		{"openai", "llama-3.1-70b", "unknown"},
	}
	for _, c := range cases {
		e := tab.Lookup(c.provider, c.model)
		if e.Name != c.want {
			t.Errorf("Lookup(%q, %q) = %q (%s), want %q", c.provider, c.model, e.Name, e.Source, c.want)
		}
		if c.want != "unknown" && (!strings.Contains(e.Source, "embedded table: "+c.want) || !e.Priced) {
			t.Errorf("Lookup(%q, %q): Source %q, Priced %v", c.provider, c.model, e.Source, e.Priced)
		}
	}
}

func TestDefaultIsConservativeAndUnpriced(t *testing.T) {
	e := mustLoad(t, "").Lookup("openai", "my-finetune")
	if !e.IsDefault() || e.Priced || e.MaxParallel > 4 || e.RPM <= 0 || e.TPM <= 0 || e.ContextWindow <= 0 {
		t.Errorf("default entry %+v: want unpriced, small and limited", e)
	}
	if !strings.Contains(e.Source, "conservative default") || !strings.Contains(e.Source, "my-finetune") {
		t.Errorf("Source %q does not explain the default", e.Source)
	}
}

// Each embedded pattern, with its wildcards dropped, is a model name that
// must resolve to its own entry: otherwise a more specific pattern of
// another entry shadows it and the entry is dead data.
func TestEmbeddedEntriesAreCompleteAndReachable(t *testing.T) {
	tab := mustLoad(t, "")
	if tab.Version != SchemaVersion || tab.Updated == "" {
		t.Errorf("version %d updated %q", tab.Version, tab.Updated)
	}
	for _, e := range tab.Entries() {
		if !e.Priced || e.RPM <= 0 || e.TPM <= 0 || e.MaxParallel <= 0 || e.LatencySeconds <= 0 || e.ContextWindow <= 0 || e.BatchDiscount != 0.5 || e.Tier == "" {
			t.Errorf("entry %s is incomplete: %+v", e.Name, e)
		}
		if e.InputUSDPerMTok <= 0 || e.OutputUSDPerMTok < e.InputUSDPerMTok {
			t.Errorf("entry %s: prices %g/%g look wrong", e.Name, e.InputUSDPerMTok, e.OutputUSDPerMTok)
		}
		for _, p := range e.Patterns {
			name := strings.NewReplacer("*", "", "?", "x").Replace(p)
			if got := tab.Lookup(e.Provider, name); got.Name != e.Name {
				t.Errorf("pattern %q of %s: %q resolves to %s", p, e.Name, name, got.Name)
			}
		}
	}
}

func TestOllamaIsFree(t *testing.T) {
	e := mustLoad(t, "").Lookup("ollama", "llama3.1:8b")
	if !e.Priced || e.Cost(1_000_000, 1_000_000, false) != 0 || e.RPM != 0 {
		t.Errorf("ollama entry %+v should be free and unlimited", e)
	}
}

func TestCost(t *testing.T) {
	tab := mustLoad(t, "")
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-12 }
	cases := []struct {
		model     string
		in, out   int
		batch     bool
		wantUSD   float64
		reasoning string
	}{
		{"gpt-4o", 1_000_000, 1_000_000, false, 12.50, "2.50 + 10.00"},
		{"gpt-4o", 1_000_000, 1_000_000, true, 6.25, "half of 12.50"},
		{"gpt-4o-mini", 1000, 200, false, 0.00027, "1000×0.15/1e6 + 200×0.60/1e6"},
		{"claude-3-5-haiku-20241022", 2000, 500, false, 0.0036, "2000×0.80/1e6 + 500×4/1e6"},
		{"claude-opus-4-1", 10_000, 1_000, true, 0.1125, "(0.15 + 0.075) / 2"},
		{"gpt-5-nano", 0, 0, false, 0, "nothing used"},
	}
	for _, c := range cases {
		e := tab.Lookup("", c.model)
		if got := e.Cost(c.in, c.out, c.batch); !near(got, c.wantUSD) {
			t.Errorf("%s Cost(%d, %d, %v) = %.10f, want %.10f (%s)", c.model, c.in, c.out, c.batch, got, c.wantUSD, c.reasoning)
		}
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUserFileMerges(t *testing.T) {
	path := writeFile(t, "models.json", `{
	  "version": 1,
	  "default": {"max_parallel": 2},
	  "models": [
	    {"name": "gpt-4o", "rpm": 10000, "tpm": 30000000, "tier": "OpenAI tier 5"},
	    {"name": "house-model", "provider": "openai", "patterns": ["house-*"], "input_usd_per_mtok": 1, "output_usd_per_mtok": 2},
	    {"name": "mini-override", "patterns": ["gpt-4o-mini*"], "rpm": 7, "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}
	  ]}`)
	tab := mustLoad(t, path)
	if tab.UserFile != path {
		t.Errorf("UserFile = %q", tab.UserFile)
	}
	// An overlay changes only the fields it sets.
	e := tab.Lookup("openai", "gpt-4o")
	if e.RPM != 10000 || e.TPM != 30000000 || e.Tier != "OpenAI tier 5" || e.InputUSDPerMTok != 2.50 || e.ContextWindow != 128000 {
		t.Errorf("overlaid gpt-4o = %+v", e)
	}
	if !strings.Contains(e.Source, "changed by "+path) {
		t.Errorf("Source %q does not name the user file", e.Source)
	}
	// A new entry takes unset fields from the (user-changed) default.
	e = tab.Lookup("openai", "house-7b")
	if e.Name != "house-model" || e.MaxParallel != 2 || e.RPM != 60 || !e.Priced || e.Cost(1e6, 1e6, false) != 3 {
		t.Errorf("house-7b = %+v", e)
	}
	if !strings.HasPrefix(e.Source, "user table "+path) {
		t.Errorf("Source %q", e.Source)
	}
	// User entries are tried before embedded ones.
	if e := tab.Lookup("openai", "gpt-4o-mini"); e.Name != "mini-override" || e.RPM != 7 || e.Cost(1e6, 1e6, false) != 0 {
		t.Errorf("gpt-4o-mini = %+v", e)
	}
	if e := tab.Lookup("openai", "nothing-like-it"); e.MaxParallel != 2 {
		t.Errorf("user default not applied: %+v", e)
	}
}

func TestDefaultUserFileLocation(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	if tab, err := Load(""); err != nil || tab.UserFile != "" {
		t.Fatalf("no user file: %v, %q", err, tab.UserFile)
	}
	want, err := DefaultUserFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(want), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte(`{"version": 1, "models": [{"name": "o3", "max_parallel": 3}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if tab.UserFile != want || tab.Lookup("openai", "o3").MaxParallel != 3 {
		t.Errorf("default user file %s not merged (UserFile %q)", want, tab.UserFile)
	}
}

func TestBadUserFiles(t *testing.T) {
	cases := []struct{ name, body string }{
		{"syntax", "{\n  \"version\": 1,\n  \"models\": [\n    {\"name\": \"x\",}\n  ]\n}"},
		{"type", `{"version": 1, "models": [{"name": "gpt-4o", "rpm": "fast"}]}`},
		{"unknown", `{"version": 1, "models": [{"name": "gpt-4o", "rmp": 5}]}`},
		{"version", `{"version": 2, "models": []}`},
		{"noversion", `{"models": []}`},
		{"negative", `{"version": 1, "models": [{"name": "gpt-4o", "tpm": -1}]}`},
		{"discount", `{"version": 1, "models": [{"name": "gpt-4o", "batch_discount": 50}]}`},
		{"provider", `{"version": 1, "models": [{"name": "x", "provider": "azure", "patterns": ["x"]}]}`},
		{"nopatterns", `{"version": 1, "models": [{"name": "brand-new"}]}`},
		{"noname", `{"version": 1, "models": [{"patterns": ["x*"]}]}`},
	}
	want := map[string]string{
		"syntax":     ":4:18: invalid JSON",
		"type":       `field "models.rpm" must be a int`,
		"unknown":    `unknown field "rmp"`,
		"version":    `"version" is 2`,
		"noversion":  `"version" is missing`,
		"negative":   `models[0] (gpt-4o): field "tpm" is -1`,
		"discount":   `field "batch_discount" is 50`,
		"provider":   `field "provider" is "azure"`,
		"nopatterns": `models[0] (brand-new): field "patterns" is required`,
		"noname":     `models[0]: field "name" is required`,
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, c := range cases {
		path := writeFile(t, c.name+".json", c.body)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want[c.name]) {
			t.Errorf("%s: error %v, want one naming %s and containing %q", c.name, err, path, want[c.name])
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a named user file that does not exist must be an error")
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"gpt-4o", "gpt-4o", true},
		{"gpt-4o", "gpt-4o-mini", false},
		{"gpt-4o*", "gpt-4o-mini", true},
		{"*gpt-4o", "openai/gpt-4o", true},
		{"claude-*-sonnet*", "claude-3-5-sonnet-latest", true},
		{"claude-*-sonnet*", "claude-3-5-haiku", false},
		{"o?-mini", "o4-mini", true},
		{"o?-mini", "o4x-mini", false},
		{"*", "", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.name); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
	if literalLen("gpt-4o-mini*") != 11 || literalLen("*?") != 0 {
		t.Error("literalLen")
	}
}

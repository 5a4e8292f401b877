// Package models holds what telemetry-inject knows about hosted LLMs: the
// request and token rate limits of a typical paid account, a suggested
// concurrency, the context window and the price per million tokens. The
// table ships embedded in the binary (data/models.json) and a user file with
// the same schema can change or extend it; see README.md in this folder for
// the schema and the matching rules.
package models

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed data/models.json
var embedded []byte

// SchemaVersion is the table format this package reads. A file with a
// different version is rejected, so an old binary never misreads a newer
// file and silently prices a run wrong.
const SchemaVersion = 1

// Local providers serve models on the user's own hardware: no rate limits
// set by a vendor and no price.
const (
	ProviderOllama = "ollama"
	// ProviderCompatible names any OpenAI-compatible server (vLLM, LM
	// Studio, llama.cpp, gateways); its model names are matched against
	// every hosted entry.
	ProviderCompatible = "openai-compatible"
)

// Entry is what the table says about one model.
type Entry struct {
	// Name identifies the entry; a user entry with the same name changes
	// the fields it sets and keeps the others.
	Name string
	// Provider is "openai" or "anthropic"; empty for the default.
	Provider string
	// Patterns are the model-name globs that select this entry.
	Patterns []string
	// Tier says which account tier RPM and TPM describe.
	Tier string
	// RPM is requests per minute; 0 means no vendor limit.
	RPM int
	// TPM is tokens per minute: input and output together for OpenAI,
	// input only (ITPM) for Anthropic. 0 means no vendor limit.
	TPM int
	// OutputTPM is Anthropic's separate output-token limit (OTPM); 0 when
	// the provider has none.
	OutputTPM int
	// MaxParallel is the most requests worth having in flight at once.
	MaxParallel int
	// LatencySeconds is a rough time for one short structured answer,
	// used to turn a rate into a concurrency.
	LatencySeconds float64
	// ContextWindow is the model's context length in tokens.
	ContextWindow int
	// InputUSDPerMTok and OutputUSDPerMTok are standard prices in USD per
	// million tokens.
	InputUSDPerMTok  float64
	OutputUSDPerMTok float64
	// BatchDiscount is the fraction taken off both prices by the
	// provider's batch API (0.5 = half price).
	BatchDiscount float64
	// CachedInputUSDPerMTok is the price of input tokens read from the
	// provider's prompt cache (OpenAI "cached input", Anthropic "cache
	// hits"); 0 means the table gives none and they cost the input price.
	CachedInputUSDPerMTok float64
	// CacheWriteUSDPerMTok is the price of input tokens written to the
	// prompt cache (Anthropic's 5-minute cache write); 0 means the input
	// price, which is what OpenAI charges.
	CacheWriteUSDPerMTok float64
	// CacheMinTokens is the shortest prefix the provider caches; a shorter
	// one is billed in full on every request. 0 when unknown.
	CacheMinTokens int
	// Priced is false when the table gives no price (the default entry):
	// Cost then returns 0, and a caller enforcing a budget should say that
	// it cannot.
	Priced bool
	// Comment carries the table's caveats about this entry.
	Comment string
	// Source says how Lookup chose the entry, e.g.
	// `embedded table: gpt-4o-mini (pattern "gpt-4o-mini*")`.
	Source string

	changedByUser bool // an embedded entry the user file overlaid
	isDefault     bool // no pattern matched
}

// IsDefault reports whether Lookup found no entry and returned the
// conservative default.
func (e Entry) IsDefault() bool { return e.isDefault }

// Cost returns the price in USD of one request's tokens, none of them from
// the prompt cache, with the batch discount when batch is true.
func (e Entry) Cost(inputTokens, outputTokens int, batch bool) float64 {
	return e.CostTokens(Tokens{Fresh: inputTokens, Output: outputTokens}, batch)
}

// Tokens splits one request's tokens by the price each is billed at.
type Tokens struct {
	// Fresh input tokens cost the input price; CacheRead tokens the cached
	// input price; CacheWrite tokens the cache-write price.
	Fresh, CacheRead, CacheWrite int
	// Output tokens cost the output price.
	Output int
}

// CostTokens returns the price in USD of t, with the batch discount when
// batch is true. Providers apply the batch discount on top of the cache
// prices, so it multiplies the whole.
func (e Entry) CostTokens(t Tokens, batch bool) float64 {
	read, write := e.CachedInputUSDPerMTok, e.CacheWriteUSDPerMTok
	if read == 0 {
		read = e.InputUSDPerMTok
	}
	if write == 0 {
		write = e.InputUSDPerMTok
	}
	c := (float64(t.Fresh)*e.InputUSDPerMTok + float64(t.CacheRead)*read +
		float64(t.CacheWrite)*write + float64(t.Output)*e.OutputUSDPerMTok) / 1e6
	if batch {
		c *= 1 - e.BatchDiscount
	}
	return c
}

// Table is a loaded model table: the embedded entries with the user's
// changes applied. It is read-only after Load and safe to share.
type Table struct {
	// Version and Updated come from the embedded file.
	Version int
	Updated string
	// UserFile is the user file that was merged in, or "" if none.
	UserFile string

	user     []Entry // entries only the user file defines, tried first
	builtin  []Entry // embedded entries, user changes applied
	fallback Entry
}

// DefaultUserFile returns where Load looks for the user's table when given
// no path: $XDG_CONFIG_HOME/telemetry-inject/models.json on Linux, the
// platform's equivalent elsewhere (os.UserConfigDir).
func DefaultUserFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the user config directory: %w", err)
	}
	return filepath.Join(dir, "telemetry-inject", "models.json"), nil
}

// LoadEmbedded returns the table shipped in the binary, ignoring any user
// file.
func LoadEmbedded() (*Table, error) {
	base, err := parse(embedded, "embedded models.json")
	if err != nil {
		return nil, err
	}
	t, err := base.table()
	if err != nil {
		return nil, fmt.Errorf("embedded models.json: %w", err)
	}
	return t, nil
}

// Load returns the embedded table merged with userFile. With userFile ""
// the default location (DefaultUserFile) is used if a file is there; a
// named file that does not exist is an error, because the user asked for it.
func Load(userFile string) (*Table, error) {
	t, err := LoadEmbedded()
	if err != nil {
		return nil, err // a broken embedded table is a build defect
	}
	path, explicit := userFile, userFile != ""
	if !explicit {
		if path, err = DefaultUserFile(); err != nil {
			return t, nil // no config directory: nothing to merge
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return t, nil
		}
		return nil, fmt.Errorf("reading model table %s: %w", path, err)
	}
	user, err := parse(data, path)
	if err != nil {
		return nil, err
	}
	if err := t.merge(user, path); err != nil {
		return nil, err
	}
	t.UserFile = path
	return t, nil
}

// Lookup returns the entry for model served by provider. Local providers
// (ollama) get a free, unlimited entry. Otherwise the user's own entries
// are tried first, then the embedded ones; within each, the pattern with
// the most literal characters wins and ties go to the earlier entry. A
// name like "openai/gpt-4o" (a gateway's prefix) is also tried without
// its prefix. Nothing matching gives the conservative default.
func (t *Table) Lookup(provider, model string) Entry {
	provider = strings.ToLower(strings.TrimSpace(provider))
	if provider == ProviderOllama {
		return Entry{
			Name: model, Provider: provider, Priced: true,
			Tier:   "local server: no vendor rate limits",
			Source: "local provider ollama (no price, no vendor limits)",
		}
	}
	names := []string{strings.ToLower(strings.TrimSpace(model))}
	if i := strings.LastIndex(names[0], "/"); i >= 0 && i < len(names[0])-1 {
		names = append(names, names[0][i+1:])
	}
	for _, set := range []struct {
		entries []Entry
		label   string
	}{{t.user, "user table " + t.UserFile}, {t.builtin, "embedded table"}} {
		if e, pat, ok := bestMatch(set.entries, provider, names); ok {
			label := set.label
			if e.changedByUser {
				label = "embedded table changed by " + t.UserFile
			}
			e.Source = fmt.Sprintf("%s: %s (pattern %q)", label, e.Name, pat)
			return e
		}
	}
	e := t.fallback
	e.isDefault = true
	e.Source = fmt.Sprintf("no entry matches %q: conservative default", model)
	return e
}

// Entries returns every entry, the user's own first, for listing.
func (t *Table) Entries() []Entry {
	out := append([]Entry(nil), t.user...)
	return append(out, t.builtin...)
}

// Default returns the entry used for models the table does not know.
func (t *Table) Default() Entry { return t.fallback }

func bestMatch(entries []Entry, provider string, names []string) (Entry, string, bool) {
	best, bestLen, bestPat := -1, -1, ""
	for _, name := range names {
		for i, e := range entries {
			if !providerFits(e.Provider, provider) {
				continue
			}
			for _, p := range e.Patterns {
				if n := literalLen(p); n > bestLen && globMatch(strings.ToLower(p), name) {
					best, bestLen, bestPat = i, n, p
				}
			}
		}
		if best >= 0 {
			return entries[best], bestPat, true
		}
	}
	return Entry{}, "", false
}

// providerFits says whether an entry for entryProvider applies to a
// request through provider: an OpenAI-compatible server or an unnamed
// provider may serve any vendor's model under its usual name.
func providerFits(entryProvider, provider string) bool {
	return entryProvider == "" || provider == "" || provider == ProviderCompatible || entryProvider == provider
}

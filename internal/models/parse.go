package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// file is the JSON schema of a model table. Pointers tell a field the user
// left out from one set to zero, which matters when a user entry overlays an
// embedded one.
type file struct {
	Version *int       `json:"version"`
	Updated string     `json:"updated"`
	Comment string     `json:"comment"`
	Default *rawEntry  `json:"default"`
	Models  []rawEntry `json:"models"`
}

type rawEntry struct {
	Name             string   `json:"name"`
	Provider         *string  `json:"provider"`
	Patterns         []string `json:"patterns"`
	Tier             *string  `json:"tier"`
	RPM              *int     `json:"rpm"`
	TPM              *int     `json:"tpm"`
	OutputTPM        *int     `json:"output_tpm"`
	MaxParallel      *int     `json:"max_parallel"`
	LatencySeconds   *float64 `json:"latency_seconds"`
	ContextWindow    *int     `json:"context_window"`
	InputUSDPerMTok  *float64 `json:"input_usd_per_mtok"`
	OutputUSDPerMTok *float64 `json:"output_usd_per_mtok"`
	BatchDiscount    *float64 `json:"batch_discount"`
	CachedInput      *float64 `json:"cached_input_usd_per_mtok"`
	CacheWrite       *float64 `json:"cache_write_usd_per_mtok"`
	CacheMinTokens   *int     `json:"cache_min_tokens"`
	Comment          *string  `json:"comment"`
}

// parse decodes one table file strictly: unknown fields are errors, since a
// misspelt "rmp" silently ignored would leave the user wondering why their
// limit had no effect. Errors name the file, the position and the field.
func parse(data []byte, name string) (*file, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := position(data, syn.Offset-1) // Offset counts the bad byte
			return nil, fmt.Errorf("%s:%d:%d: invalid JSON: %w", name, line, col, err)
		case errors.As(err, &typ):
			line, col := position(data, typ.Offset)
			return nil, fmt.Errorf("%s:%d:%d: field %q must be a %s, not a JSON %s", name, line, col, typ.Field, typ.Type, typ.Value)
		default:
			line, col := position(data, dec.InputOffset())
			return nil, fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
		}
	}
	if f.Version == nil {
		return nil, fmt.Errorf("%s: field \"version\" is missing (this build reads version %d)", name, SchemaVersion)
	}
	if *f.Version != SchemaVersion {
		return nil, fmt.Errorf("%s: field \"version\" is %d, but this build reads version %d", name, *f.Version, SchemaVersion)
	}
	for i, m := range f.Models {
		if err := m.check(fmt.Sprintf("models[%d]", i)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if f.Default != nil {
		if err := f.Default.check("default"); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &f, nil
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (int, int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func (r *rawEntry) check(where string) error {
	if r.Name != "" {
		where += " (" + r.Name + ")"
	}
	for field, v := range map[string]*int{"rpm": r.RPM, "tpm": r.TPM, "output_tpm": r.OutputTPM, "max_parallel": r.MaxParallel, "context_window": r.ContextWindow, "cache_min_tokens": r.CacheMinTokens} {
		if v != nil && *v < 0 {
			return fmt.Errorf("%s: field %q is %d, must not be negative", where, field, *v)
		}
	}
	for field, v := range map[string]*float64{"latency_seconds": r.LatencySeconds, "input_usd_per_mtok": r.InputUSDPerMTok, "output_usd_per_mtok": r.OutputUSDPerMTok,
		"cached_input_usd_per_mtok": r.CachedInput, "cache_write_usd_per_mtok": r.CacheWrite} {
		if v != nil && *v < 0 {
			return fmt.Errorf("%s: field %q is %g, must not be negative", where, field, *v)
		}
	}
	if d := r.BatchDiscount; d != nil && (*d < 0 || *d > 1) {
		return fmt.Errorf("%s: field \"batch_discount\" is %g, must be between 0 and 1 (0.5 = half price)", where, *d)
	}
	if r.Provider != nil {
		switch *r.Provider {
		case "", "openai", "anthropic":
		default:
			return fmt.Errorf("%s: field \"provider\" is %q, must be \"openai\" or \"anthropic\"", where, *r.Provider)
		}
	}
	for _, p := range r.Patterns {
		if strings.TrimSpace(p) == "" {
			return fmt.Errorf("%s: field \"patterns\" holds an empty pattern", where)
		}
	}
	return nil
}

// apply copies the fields r sets onto e.
func (r *rawEntry) apply(e *Entry) {
	if r.Name != "" {
		e.Name = r.Name
	}
	if r.Patterns != nil {
		e.Patterns = append([]string(nil), r.Patterns...)
	}
	setS := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setI := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	setF := func(dst *float64, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	setS(&e.Provider, r.Provider)
	setS(&e.Tier, r.Tier)
	setS(&e.Comment, r.Comment)
	setI(&e.RPM, r.RPM)
	setI(&e.TPM, r.TPM)
	setI(&e.OutputTPM, r.OutputTPM)
	setI(&e.MaxParallel, r.MaxParallel)
	setI(&e.ContextWindow, r.ContextWindow)
	setF(&e.LatencySeconds, r.LatencySeconds)
	setF(&e.InputUSDPerMTok, r.InputUSDPerMTok)
	setF(&e.OutputUSDPerMTok, r.OutputUSDPerMTok)
	setF(&e.BatchDiscount, r.BatchDiscount)
	setF(&e.CachedInputUSDPerMTok, r.CachedInput)
	setF(&e.CacheWriteUSDPerMTok, r.CacheWrite)
	setI(&e.CacheMinTokens, r.CacheMinTokens)
	// A price is known once both halves are: an entry with only an input
	// price would otherwise count output as free.
	if r.InputUSDPerMTok != nil && r.OutputUSDPerMTok != nil {
		e.Priced = true
	}
}

// table builds the embedded table.
func (f *file) table() (*Table, error) {
	if f.Default == nil {
		return nil, errors.New("field \"default\" is missing")
	}
	t := &Table{Version: *f.Version, Updated: f.Updated}
	f.Default.apply(&t.fallback)
	seen := map[string]bool{}
	for i, r := range f.Models {
		if r.Name == "" || len(r.Patterns) == 0 {
			return nil, fmt.Errorf("models[%d]: fields \"name\" and \"patterns\" are required", i)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("models[%d]: name %q appears twice", i, r.Name)
		}
		seen[r.Name] = true
		e := t.fallback // unset fields take the default's values
		e.Priced, e.Comment, e.Tier = false, "", ""
		e.CachedInputUSDPerMTok, e.CacheWriteUSDPerMTok, e.CacheMinTokens = 0, 0, 0
		r.apply(&e)
		t.builtin = append(t.builtin, e)
	}
	return t, nil
}

// merge applies a user file: an entry named like an embedded one changes
// only the fields it sets; a new name adds an entry, which needs patterns,
// and takes unset fields from the default.
func (t *Table) merge(u *file, path string) error {
	if u.Default != nil {
		u.Default.apply(&t.fallback)
	}
	index := map[string]int{}
	for i, e := range t.builtin {
		index[e.Name] = i
	}
	for i, r := range u.Models {
		if r.Name == "" {
			return fmt.Errorf("%s: models[%d]: field \"name\" is required (an embedded entry's name changes that entry; a new name adds one)", path, i)
		}
		if j, ok := index[r.Name]; ok {
			r.apply(&t.builtin[j])
			t.builtin[j].changedByUser = true
			continue
		}
		if len(r.Patterns) == 0 {
			return fmt.Errorf("%s: models[%d] (%s): field \"patterns\" is required for a model the embedded table does not have", path, i, r.Name)
		}
		e := t.fallback
		e.Priced, e.Comment, e.Tier = false, "", ""
		e.CachedInputUSDPerMTok, e.CacheWriteUSDPerMTok, e.CacheMinTokens = 0, 0, 0
		r.apply(&e)
		t.user = append(t.user, e)
	}
	return nil
}

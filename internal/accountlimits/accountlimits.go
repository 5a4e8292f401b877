// Package accountlimits remembers, per account, the rate limits the
// provider's own headers reported and how much of them a run left. Those
// headers come with the first answer, so a run that does not know the
// account's tier must wait that round trip before it dares a burst (the
// model table only guesses the tier, and a burst staked on a guess meets a
// 429 for every request over the real limit). Remembered, the next run
// starts where the last one left off, as if the user had passed --rpm and
// --tpm, and the server's headers still correct it from the first answer.
//
// The memory is one small JSON file in the user's cache folder, keyed by a
// hash of provider, base URL, model and API key: it never holds a key, a
// URL or anything from the code that was instrumented.
package accountlimits

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
)

// FileName is the memory's file inside its folder.
const FileName = "account-limits.json"

const (
	// maxAge is how long an account's limits are trusted: tiers change as
	// accounts spend, so a month-old report is a guess again.
	maxAge = 30 * 24 * time.Hour
	// maxAccounts bounds the file; the least recently seen go first.
	maxAccounts = 256
	version     = 1
)

// Account names whose limits these are. Every field goes into the key:
// OpenAI and Anthropic limit each model separately, and two keys may be
// two organisations of different tiers.
type Account struct {
	Provider, BaseURL, Model, APIKey string
}

// key is the account's name in the file: a hash, so the file holds no key
// and no URL (which may carry credentials of its own).
func (a Account) key() string {
	h := sha256.New()
	for _, s := range []string{"telemetry-inject account limits", a.Provider, a.BaseURL, a.Model, a.APIKey} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Limits are what a run learned of an account: its limits per Window and
// what its buckets held At the run's end. A zero RPM or TPM is a limit the
// headers did not give.
type Limits struct {
	RPM          int       `json:"rpm,omitempty"`
	TPM          int       `json:"tpm,omitempty"`
	RequestsLeft int       `json:"requests_left"`
	TokensLeft   int       `json:"tokens_left"`
	Window       float64   `json:"window_seconds"`
	At           time.Time `json:"at"`
}

// Spent is how far below full the buckets are at now: what was left At
// the end of the last run, refilled since at the limit's pace, as the
// providers' buckets refill. A clock that went backwards counts as no
// time passed.
func (l Limits) Spent(now time.Time) (requests, tokens int) {
	elapsed := max(0, now.Sub(l.At).Seconds())
	spent := func(limit, left int) int {
		if limit <= 0 || l.Window <= 0 {
			return 0
		}
		have := float64(left) + elapsed*float64(limit)/l.Window
		return max(0, limit-int(min(have, float64(limit))))
	}
	return spent(l.RPM, l.RequestsLeft), spent(l.TPM, l.TokensLeft)
}

// Memory is the file of remembered limits. The nil Memory remembers
// nothing, for runs with nowhere to keep it.
type Memory struct {
	path string
}

// Open returns the memory kept in dir (the user's cache folder for the
// tool); an empty dir gives the nil Memory.
func Open(dir string) *Memory {
	if dir == "" {
		return nil
	}
	return &Memory{path: filepath.Join(dir, FileName)}
}

type file struct {
	Version  int               `json:"version"`
	Accounts map[string]Limits `json:"accounts"`
}

// Recall returns what the last run learned of a, unless that is older
// than a month. A missing or unreadable file remembers nothing: the
// memory only saves a round trip, so it never fails a run.
func (m *Memory) Recall(a Account, now time.Time) (Limits, bool) {
	if m == nil {
		return Limits{}, false
	}
	f := m.read()
	l, ok := f.Accounts[a.key()]
	if !ok || now.Sub(l.At) > maxAge || (l.RPM <= 0 && l.TPM <= 0) {
		return Limits{}, false
	}
	return l, true
}

// Keep records what a run learned of a, replacing what an earlier run
// did. Runs that end together take turns on a lock beside the file.
func (m *Memory) Keep(a Account, l Limits) error {
	if m == nil || (l.RPM <= 0 && l.TPM <= 0) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(m.path), 0o700); err != nil {
		return fmt.Errorf("remembering the account's rate limits: %w", err)
	}
	unlock, err := lockFile(m.path + ".lock")
	if err != nil {
		return fmt.Errorf("remembering the account's rate limits: %w", err)
	}
	defer unlock()
	f := m.read()
	f.Accounts[a.key()] = l
	prune(f.Accounts, l.At)
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(m.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("remembering the account's rate limits: %w", err)
	}
	return nil
}

func (m *Memory) read() file {
	f := file{Version: version, Accounts: map[string]Limits{}}
	data, err := os.ReadFile(m.path)
	if err != nil {
		return f
	}
	var got file
	if json.Unmarshal(data, &got) != nil || got.Version != version || got.Accounts == nil {
		return f
	}
	return got
}

// prune drops accounts not seen for maxAge, then the least recently seen
// beyond maxAccounts.
func prune(acc map[string]Limits, now time.Time) {
	maps.DeleteFunc(acc, func(_ string, l Limits) bool { return now.Sub(l.At) > maxAge })
	if len(acc) <= maxAccounts {
		return
	}
	keys := slices.SortedFunc(maps.Keys(acc), func(x, y string) int { return acc[y].At.Compare(acc[x].At) })
	for _, k := range keys[maxAccounts:] {
		delete(acc, k)
	}
}

// lockFile takes an exclusive flock on name, waiting up to a second: a
// run holds it only while it rewrites a file of a few kilobytes.
func lockFile(name string) (func(), error) {
	lf, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(time.Second)
	for {
		err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = lf.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			lf.Close()
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package accountlimits

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var acct = Account{Provider: "openai", BaseURL: "https://user:hunter2@api.example/v1", Model: "gpt-4o-mini", APIKey: "sk-test-0123456789abcdef"}

func TestKeepThenRecall(t *testing.T) {
	m := Open(t.TempDir())
	at := time.Unix(1_800_000_000, 0)
	want := Limits{RPM: 600, TPM: 1_000_000, RequestsLeft: 300, TokensLeft: 400_000, Window: 60, At: at}
	if err := m.Keep(acct, want); err != nil {
		t.Fatal(err)
	}
	got, ok := m.Recall(acct, at.Add(time.Minute))
	if !ok || got.RPM != want.RPM || got.TPM != want.TPM || got.RequestsLeft != 300 || !got.At.Equal(at) {
		t.Fatalf("Recall = %+v, %v; want %+v", got, ok, want)
	}
	for _, other := range []Account{
		{Provider: acct.Provider, BaseURL: acct.BaseURL, Model: "gpt-4o", APIKey: acct.APIKey},
		{Provider: acct.Provider, BaseURL: acct.BaseURL, Model: acct.Model, APIKey: "sk-another-key"},
		{Provider: "anthropic", BaseURL: acct.BaseURL, Model: acct.Model, APIKey: acct.APIKey},
	} {
		if _, ok := m.Recall(other, at); ok {
			t.Errorf("%+v recalled another account's limits", other)
		}
	}
	if _, ok := m.Recall(acct, at.Add(31*24*time.Hour)); ok {
		t.Error("limits a month old are still trusted")
	}
}

// TestFileHoldsNoSecret: the file names accounts by a hash, so neither the
// key nor the URL (with its credentials) is written anywhere.
func TestFileHoldsNoSecret(t *testing.T) {
	dir := t.TempDir()
	if err := Open(dir).Keep(acct, Limits{RPM: 500, Window: 60, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{acct.APIKey, "hunter2", "api.example", acct.Model} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the memory holds %q:\n%s", secret, data)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the memory's mode is %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestSpentRefillsAtTheLimitsPace(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	l := Limits{RPM: 600, TPM: 1_000_000, RequestsLeft: 0, TokensLeft: 700_000, Window: 60, At: at}
	for _, c := range []struct {
		after      time.Duration
		reqs, toks int
	}{
		{0, 600, 300_000},
		{30 * time.Second, 300, 0}, // tokens full after 18 s
		{2 * time.Minute, 0, 0},
		{-time.Hour, 600, 300_000}, // a clock set back: nothing refilled
	} {
		reqs, toks := l.Spent(at.Add(c.after))
		if reqs != c.reqs || toks != c.toks {
			t.Errorf("after %v spent = %d requests, %d tokens; want %d, %d", c.after, reqs, toks, c.reqs, c.toks)
		}
	}
	if r, tk := (Limits{TPM: 1000, TokensLeft: 1000, Window: 60, At: at}).Spent(at); r != 0 || tk != 0 {
		t.Errorf("a limit the headers did not give is spent %d; want 0", r)
	}
}

// TestBrokenFileRemembersNothing: a torn or foreign file costs the next
// run its head start, never the run, and the next Keep replaces it.
func TestBrokenFileRemembersNothing(t *testing.T) {
	dir := t.TempDir()
	m := Open(dir)
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(`{"version":1,"accounts":{"ab`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Recall(acct, time.Now()); ok {
		t.Fatal("a torn file recalled limits")
	}
	if err := m.Keep(acct, Limits{RPM: 500, Window: 60, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Recall(acct, time.Now()); !ok {
		t.Fatal("Keep did not replace the torn file")
	}
	var none *Memory
	if _, ok := none.Recall(acct, time.Now()); ok || none.Keep(acct, Limits{RPM: 1}) != nil {
		t.Fatal("the nil Memory remembered something")
	}
}

// TestRunsEndingTogetherKeepEveryAccount: runs saving at once take turns,
// so none loses another's account.
func TestRunsEndingTogetherKeepEveryAccount(t *testing.T) {
	m := Open(t.TempDir())
	now := time.Now()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			a := acct
			a.Model = "model-" + string(rune('a'+i))
			if err := m.Keep(a, Limits{RPM: 100 + i, Window: 60, At: now}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range 16 {
		a := acct
		a.Model = "model-" + string(rune('a'+i))
		if l, ok := m.Recall(a, now); !ok || l.RPM != 100+i {
			t.Errorf("%s: recalled %+v, %v", a.Model, l, ok)
		}
	}
}

func TestPruneKeepsTheMostRecent(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	acc := map[string]Limits{"stale": {RPM: 1, At: now.Add(-40 * 24 * time.Hour)}}
	for i := range maxAccounts + 10 {
		acc[string(rune(0x4e00+i))] = Limits{RPM: 1, At: now.Add(-time.Duration(i) * time.Minute)}
	}
	prune(acc, now)
	if len(acc) != maxAccounts {
		t.Fatalf("%d accounts kept, want %d", len(acc), maxAccounts)
	}
	if _, ok := acc["stale"]; ok {
		t.Error("an account not seen for 40 days was kept")
	}
	if _, ok := acc[string(rune(0x4e00))]; !ok {
		t.Error("the most recent account was dropped")
	}
}

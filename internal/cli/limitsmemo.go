package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/accountlimits"
	"github.com/telemetry-inject/telemetry-inject/internal/dispatch"
	"github.com/telemetry-inject/telemetry-inject/internal/engine"
	"github.com/telemetry-inject/telemetry-inject/internal/llm"
)

// limitsWindow is what the providers count RPM and TPM over.
const limitsWindow = time.Minute

// userCacheDir is the tool's folder in the user's cache, read through
// getenv so tests (which pass no HOME) keep nothing there; "" when the
// environment names no home.
func userCacheDir(getenv func(string) string) string {
	if d := getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "telemetry-inject")
	}
	home := getenv("HOME")
	if home == "" {
		return ""
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Caches", "telemetry-inject")
	}
	return filepath.Join(home, ".cache", "telemetry-inject")
}

// account names one host's account in the limits memory.
func account(cfg llm.Config) accountlimits.Account {
	return accountlimits.Account{Provider: cfg.Provider, BaseURL: cfg.BaseURL, Model: cfg.Model, APIKey: cfg.APIKey}
}

// recallLimits returns what every host's headers said in an earlier run,
// or nil when some host has no such report, or one that leaves a limit
// the model table has (rpm, tpm) to the table's guess.
func recallLimits(mem *accountlimits.Memory, fleet []llm.Config, now time.Time, rpm, tpm int) []accountlimits.Limits {
	recalled := make([]accountlimits.Limits, len(fleet))
	for i, fc := range fleet {
		l, ok := mem.Recall(account(fc), now)
		if !ok || (rpm > 0 && l.RPM <= 0) || (tpm > 0 && l.TPM <= 0) {
			return nil
		}
		recalled[i] = l
	}
	return recalled
}

// startFrom starts a host's buckets where an earlier run left the
// account: its limits, spent by what that run used and has not refilled
// since.
func startFrom(h *engine.HostLimits, l accountlimits.Limits, now time.Time, host string, verbose io.Writer) {
	reqs, toks := l.Spent(now)
	if l.RPM > 0 {
		h.RPM, h.RequestsSpent = l.RPM, reqs
	}
	if l.TPM > 0 {
		h.TPM, h.TokensSpent = l.TPM, toks
	}
	if verbose == nil {
		return
	}
	fmt.Fprintf(verbose, "Rate limits%s: %s, as the account's headers gave them %s ago", host, limitsText(h.RPM, h.TPM), now.Sub(l.At).Round(time.Second))
	if h.RequestsSpent > 0 || h.TokensSpent > 0 {
		fmt.Fprintf(verbose, "; still spent: %d requests, %d tokens", h.RequestsSpent, h.TokensSpent)
	}
	fmt.Fprintln(verbose)
}

// hostName tells hosts apart in -v output, by number: a base URL may
// carry credentials.
func hostName(i, hosts int) string {
	if hosts == 1 {
		return ""
	}
	return fmt.Sprintf(" (host %d)", i+1)
}

// keepLimits remembers what each host's headers said this run, for the
// next one. Failing to only costs the next run its head start, so it is
// reported under -v and nowhere else.
func keepLimits(mem *accountlimits.Memory, fleet []llm.Config, d *dispatch.LLM, verbose io.Writer) {
	for i, rep := range d.Reported() {
		if i >= len(fleet) || !rep.Known() {
			continue
		}
		l := accountlimits.Limits{RPM: rep.RPM, TPM: rep.TPM, RequestsLeft: rep.RequestsLeft, TokensLeft: rep.TokensLeft,
			Window: limitsWindow.Seconds(), At: rep.At}
		if err := mem.Keep(account(fleet[i]), l); err != nil && verbose != nil {
			fmt.Fprintf(verbose, "note: %v; the next run will wait for the first answer's headers again\n", err)
		}
	}
}

func limitsText(rpm, tpm int) string {
	switch {
	case rpm > 0 && tpm > 0:
		return fmt.Sprintf("%d RPM, %d TPM", rpm, tpm)
	case rpm > 0:
		return fmt.Sprintf("%d RPM", rpm)
	}
	return fmt.Sprintf("%d TPM", tpm)
}

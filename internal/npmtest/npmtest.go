// Package npmtest installs npm packages for tests that check the tool
// against real JavaScript: corpora to instrument, the TypeScript compiler,
// the OpenTelemetry SDK. Nothing third-party is committed; the packages are
// fetched from the registry at test time and cached between runs.
package npmtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Install installs pkgs (pinned "name@version" specs) into a folder under
// the user's cache keyed by the list, once, and returns the folder that
// holds node_modules. The install goes to a temporary folder renamed into
// place when complete, so an interrupted install is never taken for a
// finished one. Without npm, or without the registry, the test is skipped:
// it cannot check anything without the packages.
func Install(t testing.TB, pkgs ...string) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(strings.Join(pkgs, "\n")))
	dir := filepath.Join(cache, "telemetry-inject-tests", "npm-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Skipf("no cache folder for npm packages: %v", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		t.Skipf("no cache folder for npm packages: %v", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(`{"private": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"}, pkgs...)
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm install %s failed (no registry access?): %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, "complete"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		// Another test process finished the same install first.
		if _, serr := os.Stat(filepath.Join(dir, "complete")); serr == nil {
			return dir
		}
		t.Fatalf("caching the npm packages: %v", err)
	}
	return dir
}

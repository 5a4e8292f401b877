package utilfiles

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

// npmInstall installs pinned packages from the npm registry into a folder
// under the user's cache, keyed by the package list, and returns the
// folder holding node_modules. A failed install (no network, no registry)
// skips the test: these tests check our runtime against real packages, and
// cannot run without them.
func npmInstall(t testing.TB, pkgs ...string) string {
	t.Helper()
	npm := tool(t, "npm")
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache folder for the npm install: %v", err)
	}
	sum := sha256.Sum256([]byte(strings.Join(pkgs, "\n")))
	dir := filepath.Join(base, "telemetry-inject-tests", "npm-"+hex.EncodeToString(sum[:8]))
	done := filepath.Join(dir, ".installed")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Skipf("cannot create %s: %v", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"}, pkgs...)
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm install %s failed (no registry access?): %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	if err := os.WriteFile(done, []byte(strings.Join(pkgs, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

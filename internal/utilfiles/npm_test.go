package utilfiles

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// npmInstall installs pinned packages from the npm registry (cached) and
// returns the folder holding node_modules.
func npmInstall(t testing.TB, pkgs ...string) string {
	t.Helper()
	return npmtest.Install(t, pkgs...)
}

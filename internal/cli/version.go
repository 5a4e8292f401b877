package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// version is the release this source is; builds from a checkout also
// report their commit.
const version = "0.3.0"

// versionLine is what --version prints: the version, the commit the binary
// was built from (with "+dirty" for uncommitted changes) and the prompt
// version, which is what decides whether cached answers still apply.
func versionLine() string {
	commit, dirty := "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
	}
	return fmt.Sprintf("telemetry-inject %s (commit %s%s, prompt %s)", version, commit, dirty, prompt.Version)
}

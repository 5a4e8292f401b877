package bench

import (
	"context"
	"time"
)

// CLIJob is one run of the real command line against a simulated host:
// the bench cannot import the command line (which imports it), so the
// command line hands Run a function that does it (Options.CLI).
type CLIJob struct {
	// BaseURL is the host's OpenAI-style base URL (ending in /v1).
	BaseURL string
	// Provider and Model are what the tool is told (LLM_PROVIDER and
	// LLM_MODEL), so detection runs as it does for users.
	Provider, Model string
	// Functions is how many functions the generated project holds, one
	// request each.
	Functions int
	// Args are extra command-line arguments (--rpm 600, say).
	Args []string
	// CacheHome, when set, is the user's cache folder (XDG_CACHE_HOME),
	// where a run remembers the account's rate limits for the next one;
	// empty, the run remembers nothing.
	CacheHome string
}

// CLIResult is what one command-line run reported.
type CLIResult struct {
	// Wall is the run's duration measured around the call; Engine the
	// request engine's share of it.
	Wall, Engine time.Duration
	// Exit is the exit code.
	Exit int
	// Requests, Retries, Fallbacks and Reasked are from the run's
	// request statistics (--json).
	Requests, Retries, Fallbacks, Reasked, Timeouts int
	// Decided counts constructs the model decided; Parallel the detected
	// starting concurrency; PeakInFlight the most requests at once.
	Decided, Parallel, PeakInFlight int
	// Bottleneck is what the run reported as limiting it.
	Bottleneck string
	// Grouping is how the run sent its constructs, and why.
	Grouping string
	// Stderr is the run's error output, for failures.
	Stderr string
}

// CLIFunc runs the command line for a job.
type CLIFunc func(ctx context.Context, job CLIJob) (CLIResult, error)

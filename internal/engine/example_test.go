package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/engine"
)

// ExampleRun sends prompts to one host limited to 600 requests and 60,000
// tokens per minute; one prompt fails for good and does not stop the rest.
func ExampleRun() {
	prompts := []string{"alpha", "beta", "bad", "gamma"}
	call := func(ctx context.Context, host int, p string) (string, engine.Feedback, error) {
		if p == "bad" {
			// The provider layer classifies: a 400 fails this request only.
			return "", engine.Feedback{Class: engine.Fatal}, errors.New("400 bad request")
		}
		return strings.ToUpper(p), engine.Feedback{Tokens: 10 * len(p)}, nil
	}
	results, stats := engine.Run(context.Background(), prompts, call, engine.Options[string, string]{
		Hosts:          []engine.HostLimits{{Name: "api", RPM: 600, TPM: 60000, MaxConcurrency: 8}},
		EstimateTokens: func(p string) int { return 100 },
		Timeout:        30 * time.Second,
	})
	for i, r := range results {
		fmt.Println(i, r.Value, r.Err)
	}
	fmt.Println(stats.Succeeded, "succeeded,", stats.Failed, "failed,", stats.TokensUsed, "tokens used")
	// Output:
	// 0 ALPHA <nil>
	// 1 BETA <nil>
	// 2  400 bad request
	// 3 GAMMA <nil>
	// 3 succeeded, 1 failed, 140 tokens used
}

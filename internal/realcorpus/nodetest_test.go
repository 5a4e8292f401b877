package realcorpus

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"
)

// nodeTestPackage is an npm package that publishes tests written for
// node's own runner (node:test, run by borp or `node --test` upstream):
// the package is copied, instrumented whole, and test/*.test.js are run by
// `node --test` with the TAP reporter: the files named (relative to the
// package), else every test/*.test.js. Every test and subtest counts, not
// only the top-level ones, so a failing assertion deep in a suite shows.
func nodeTestPackage(npm *npmInstaller, pkg string, timeout time.Duration, files ...string) project {
	return project{
		parsesAll: true,
		name:      "node-test:" + pkg,
		setup: func(ctx context.Context, t *testing.T, work string) (suite, error) {
			root, _, err := copyNPMPackage(npm, work, pkg)
			if err != nil {
				return suite{}, err
			}
			tests, err := testFiles(root, "test/*.test.js", files)
			if err != nil {
				return suite{}, fmt.Errorf("%s: %w", pkg, err)
			}
			// One file at a time: files run in parallel would interleave
			// and make a slow CI machine time out tests the original
			// passes on a fast one.
			args := append([]string{"--test", "--test-reporter=tap", "--test-concurrency=1"}, tests...)
			c := command{dir: root, env: offlineEnv(), name: "node", args: args, timeout: timeout}
			return suite{root: root, run: func(ctx context.Context) (outcome, error) {
				res, err := c.run(ctx)
				if err != nil {
					return outcome{}, err
				}
				out := res
				out.output = subtestIndent.ReplaceAllString(res.output, "$1")
				o := countTAP(out)
				o.res = res
				return o, nil
			}}, nil
		},
	}
}

// subtestIndent is the indentation node's TAP reporter puts before a
// subtest's result line; without it the line counts like a top-level one.
var subtestIndent = regexp.MustCompile(`(?m)^[ ]+((?:not )?ok \d+)`)

// TestNodeTAPCountsSubtests checks that a subtest's failure, which node's
// TAP reporter indents under its passing or failing parent, is counted.
func TestNodeTAPCountsSubtests(t *testing.T) {
	out := "# Subtest: suite\n    # Subtest: inner\n    not ok 1 - inner\n      ---\n      error: 'boom'\n      ...\n    ok 2 - other\nnot ok 1 - suite\n1..1\n# tests 3\n"
	o := countTAP(result{output: subtestIndent.ReplaceAllString(out, "$1")})
	if want := (counts{passed: 1, failed: 2}); o.counts != want {
		t.Fatalf("counts %v, want %v", o.counts, want)
	}
	if c := o.cases["- inner #1"]; c.status != "failed" || c.message != "error: 'boom'" {
		t.Errorf("inner: %+v", c)
	}
}

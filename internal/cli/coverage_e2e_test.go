package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// coverageProject is a CommonJS package whose own tests cover every line,
// branch and function, as projects that check coverage at 100% (node-tap's
// default, fastify's plugins) keep theirs.
var coverageProject = map[string]string{
	"package.json": `{"name": "covered", "version": "1.0.0", "main": "lib/index.js"}` + "\n",
	"lib/index.js": `'use strict'

/** Sums what is positive. */
function sumPositive (items) {
  let total = 0
  for (const x of items) {
    if (x > 0) total += x
  }
  return total
}

async function later (n) {
  await Promise.resolve()
  return n + 1
}

const twice = (x) => x * 2

function check (n) {
  if (typeof n !== 'number') throw new TypeError('not a number')
  return n
}

module.exports = { sumPositive, later, twice, check }
`,
	"test/index.test.js": `'use strict'
const { test } = require('node:test')
const assert = require('node:assert')
const m = require('../lib/index.js')
test('sum', () => assert.equal(m.sumPositive([1, -2, 3]), 4))
test('later', async () => assert.equal(await m.later(1), 2))
test('twice', () => assert.equal(m.twice(2), 4))
test('check', () => {
  assert.equal(m.check(1), 1)
  assert.throws(() => m.check('x'), TypeError)
})
`,
}

// TestCoverageThresholdsStillHold runs a project's tests under c8 and nyc
// with every threshold at 100%, before and after instrumenting it. The
// runtime file and the code that runs only when something fails (the
// rethrow, the lookup's stand-ins) carry the hints both tools read; without
// them the runtime alone took avvio's line coverage from 100% to 73%.
func TestCoverageThresholdsStillHold(t *testing.T) {
	if testing.Short() {
		t.Skip("installs c8 and nyc from npm")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	bin := filepath.Join(npmtest.Install(t, "c8@12.0.0", "nyc@18.0.0"), "node_modules", ".bin")
	tools := map[string][]string{
		"c8":  {filepath.Join(bin, "c8"), "--check-coverage", "--100", "--reporter=text", "node", "--test", "test/"},
		"nyc": {filepath.Join(bin, "nyc"), "--check-coverage", "--lines", "100", "--branches", "100", "--functions", "100", "--statements", "100", "--reporter=text", "node", "--test", "test/"},
	}
	check := func(dir, when string) {
		t.Helper()
		for name, argv := range tools {
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "NODE_V8_COVERAGE=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s %s: %v\n%s", name, when, err, out)
			}
		}
	}
	project := t.TempDir()
	writeTree(t, project, coverageProject)
	check(project, "before instrumenting (the project's own check)")

	code, _, stderr := runCLI(t, nil, project, "--density", "high")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(project, "lib", "index.js"))
	if !strings.Contains(string(b), "__ti.enter(") || !strings.Contains(string(b), "catch (__ti_e)") {
		t.Fatalf("nothing that only runs on failure was injected:\n%s", b)
	}
	check(project, "after instrumenting")
}

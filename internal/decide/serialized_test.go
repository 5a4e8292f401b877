package decide_test

import (
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// jsEvaluated hands one function to a page's evaluate, as puppeteer runs
// it: as text, in the page, where the runtime is not. The other function
// is as long and runs where it is written.
const jsEvaluated = `async function scrape(page, selector) {
  const texts = await page.evaluate(function collect(sel) {
    const out = []
    for (const el of document.querySelectorAll(sel)) {
      const text = el.textContent.trim()
      out.push(text)
    }
    return out
  }, selector)
  const count = texts.length
  return count
}

function report(items, out) {
  const lines = []
  for (const item of items) {
    const line = format(item)
    lines.push(line)
  }
  out.write(lines.join("\n"))
  return lines.length
}
module.exports = { scrape, report }
`

// TestSerializedIsTrimmedAtEveryDensity: what the JavaScript finder marks
// as serialized (the evaluated function and everything inside it) is
// trimmed at every density, even when a planner asked for it, while the
// code around it keeps what the density gives it.
func TestSerializedIsTrimmedAtEveryDensity(t *testing.T) {
	everything := func(c *source.Construct) source.Decision {
		return source.Decision{Name: "n", RecordExceptions: true, CountIterations: true}
	}
	for _, d := range decide.Densities() {
		got := plan(t, decide.Policy{Density: d}, source.JavaScript, jsEvaluated, everything)
		for _, key := range []string{"function collect@2", "loop el@4", "variable text@5"} {
			if !strings.Contains(got[key], "runs elsewhere") {
				t.Errorf("--density %s: %s is %q", d, key, got[key])
			}
		}
		if d == decide.High {
			for _, key := range []string{"function scrape@1", "function report@14", "loop item@16"} {
				if strings.HasPrefix(got[key], "trimmed") {
					t.Errorf("--density high: %s is %q", key, got[key])
				}
			}
		}
	}
}

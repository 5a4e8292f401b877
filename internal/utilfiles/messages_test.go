package utilfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// An exception's message is program data: int("VALUE-hunter2") repeats its
// input, an f-string or a template literal carries whatever it formats. The
// programs below raise one from a span that records shapes (the default)
// and one from a span that records values (--record-values): only the
// second may export its message, in the exception event, the stack trace
// or the status. Even then a message that names a secret ("wrong password
// for eve: …") is redacted whole.
const (
	pyMessages = `from _telemetry_utils import __ti_span__

def shapes(raw):
    with __ti_span__("shapes", "m.py", 3, ("raw", raw), True):
        return int(raw)

def values(raw):
    with __ti_span__("values", "m.py", 7, ("raw", raw), True, False, True):
        return int(raw)

def login(user):
    with __ti_span__("login", "m.py", 11, ("user", user), True, False, True):
        raise PermissionError("wrong password for %s: %s" % (user, "PW" + "VALUE"))

for f, arg in ((shapes, "VALUE-hunter2"), (values, "VALUE-opted-in"), (login, "eve")):
    try:
        f(arg)
    except (ValueError, PermissionError):
        pass
`
	jsMessages = `"use strict";
const __ti = require("./_telemetry_utils.js");
function shapes(raw) {
  const s = __ti.enter("shapes", "m.js", 3, {raw}); try {
    throw new Error("bad input " + raw);
  } catch (e) { __ti.fail(s, e); throw e; } finally { __ti.exit(s); }
}
function values(raw) {
  const s = __ti.enter("values", "m.js", 8, {raw}, 1); try {
    throw new Error("bad input " + raw);
  } catch (e) { __ti.fail(s, e); throw e; } finally { __ti.exit(s); }
}
async function later(raw) {
  return await __ti.run("later", "m.js", 13, {raw}, async () => { await null; throw new RangeError("late " + raw); });
}
function login(user) {
  const s = __ti.enter("login", "m.js", 16, {user}, 1); try {
    throw new Error("wrong password for " + user + ": " + "PW" + "VALUE");
  } catch (e) { __ti.fail(s, e); throw e; } finally { __ti.exit(s); }
}
try { login("eve"); } catch (e) {}
try { shapes("VALUE-hunter2"); } catch (e) {}
try { values("VALUE-opted-in"); } catch (e) {}
later("VALUE-async").catch(() => {});
`
)

func TestExceptionMessagesOnlyWithValues(t *testing.T) {
	for _, c := range []struct {
		lang, interp, prog, src, runtime string
		content                          []byte
		shapes                           []string // spans whose message must not leave
	}{
		{"python", "python3", "m.py", pyMessages, "_telemetry_utils.py", Python(), []string{"shapes"}},
		{"javascript", "node", "m.js", jsMessages, "_telemetry_utils.js", nil, []string{"shapes", "later"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			interp := tool(t, c.interp)
			dir := t.TempDir()
			content := c.content
			if content == nil {
				_, content = JavaScript(source.ModuleCommonJS)
			}
			write(t, dir, c.runtime, string(content))
			write(t, dir, c.prog, c.src)
			out := filepath.Join(dir, "spans.jsonl")
			res := run(t, dir, cleanEnv("TELEMETRY_INJECT_FILE="+out), interp, c.prog)
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw)+res.out, "VALUE-hunter2") || strings.Contains(string(raw), "VALUE-async") || strings.Contains(string(raw), "PWVALUE") {
				t.Errorf("a message of a span without values left the process:\n%s", raw)
			}
			by := map[string]span{}
			for _, s := range decode(t, [][]byte{fileSpans(t, out)}) {
				by[s.Name] = s
			}
			for _, name := range c.shapes {
				s, ok := by[name]
				if !ok || len(s.EventAttrs) != 1 || s.EventAttrs[0]["exception.type"] == nil || s.EventAttrs[0]["exception.message"] != nil && s.EventAttrs[0]["exception.message"] != "" {
					t.Errorf("%s: want an exception event with its type alone: %+v", name, s)
				}
				if st, _ := s.EventAttrs[0]["exception.stacktrace"].(string); !strings.Contains(st, c.prog) {
					t.Errorf("%s: the stack trace was lost with the message: %q", name, st)
				}
			}
			if !strings.Contains(string(raw), "VALUE-opted-in") {
				t.Errorf("a span with values lost its exception's message:\n%s", raw)
			}
		})
	}
}

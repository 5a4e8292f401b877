package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/npmtest"
)

// spansPerRequestGoal is issue 11's "a request through an instrumented web
// framework produces spans for the handlers and middleware that did work,
// not for every helper", as a number: at the default density, a request
// through express with three middleware and a route makes at most this
// many spans (the app's handle, the two routers', the middleware, the
// route handler and the response it sends).
const spansPerRequestGoal = 10

// expressRequests is how many requests the app sends itself per run.
const expressRequests = 20

// expressApp is a small express app, instrumented with express: a logging
// middleware, a JSON body parser (express's own), and a route whose
// handler does some work. It sends itself N requests (argv[2]) one after
// another, then exits.
const expressApp = `'use strict';
const http = require('http');
const express = require('express');

function timing(req, res, next) {
  const started = Date.now();
  res.on('finish', () => {
    req.elapsed = Date.now() - started;
  });
  res.setHeader('x-started', String(started));
  next();
}

function showItem(req, res) {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id < 0) {
    res.status(400).json({ error: 'bad id' });
    return;
  }
  const tags = [];
  for (let i = 0; i < id % 5; i++) {
    tags.push('tag' + i);
  }
  const body = { id, name: 'item' + id, tags, query: req.query.q || null };
  res.json(body);
}

const app = express();
app.use(timing);
app.use(express.json());
const items = express.Router();
items.get('/:id', showItem);
app.use('/items', items);

function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve(data));
    }).on('error', reject);
  });
}

const n = Number(process.argv[2]);
const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  for (let i = 0; i < n; i++) {
    const body = await get(port, '/items/' + i + '?q=x');
    if (!body.includes('"name":"item' + i + '"')) {
      throw new Error('bad answer: ' + body);
    }
  }
  server.close();
  console.log('answered ' + n);
});
`

// TestSpansPerExpressRequest instruments express 4 from npm with the
// built-in planner at each density, runs an app that sends itself
// requests, and counts the spans one request adds (spans of a run with N
// requests less those of a run with none, over N). It fails when the
// default density makes more than spansPerRequestGoal spans per request,
// or when a higher density makes fewer than a lower one; the log names
// the spans of one request at each density.
func TestSpansPerExpressRequest(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	modules := filepath.Join(npmtest.Install(t, npmDensityPackages...), "node_modules")
	prev := 0.0
	for _, d := range decide.Densities() {
		dir := expressProject(t, modules)
		// The app and express, each as its own project: a user instruments
		// the app, and node_modules is never walked.
		for _, root := range []string{dir, filepath.Join(dir, "node_modules", "express")} {
			code, _, stderr := runCLI(t, nil, root, "--density", d.String())
			if code != ExitOK {
				t.Fatalf("--density %s on %s: exit %d:\n%s", d, root, code, stderr)
			}
		}
		idle := expressSpans(t, node, dir, 0)
		busy := expressSpans(t, node, dir, expressRequests)
		per := float64(len(busy)-len(idle)) / expressRequests
		t.Logf("--density %s: %.1f spans per request (%d at startup); one request: %s", d, per, len(idle), oneRequest(busy, idle))
		if d == decide.Low && per > spansPerRequestGoal {
			t.Errorf("--density low: %.1f spans per request, over the goal of %d", per, spansPerRequestGoal)
		}
		if per < prev {
			t.Errorf("--density %s: %.1f spans per request, fewer than the density below it (%.1f)", d, per, prev)
		}
		if per < 1 {
			t.Errorf("--density %s: %.1f spans per request: the request left no trace", d, per)
		}
		if d == decide.Low && !strings.Contains(oneRequest(busy, idle), "app.showItem×1") {
			t.Errorf("--density low: the route handler has no span")
		}
		// The app and express each have their own runtime file, and two
		// copies of the runtime do not share a context: each request is
		// one trace of express's spans, and the handler's span roots one
		// of its own.
		if n := roots(busy)["express.lib.application.handle"]; d == decide.Low && n != expressRequests {
			t.Errorf("--density low: %d requests made %d traces rooted at express's app.handle, want a trace each; roots: %v", expressRequests, n, roots(busy))
		}
		prev = per
	}
}

// expressProject lays out a folder with the app, a copy of express to
// instrument, and links to express's dependencies in the npm cache.
func expressProject(t *testing.T, modules string) string {
	t.Helper()
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	if err := os.MkdirAll(nm, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(modules)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "express" {
			copyInto(t, filepath.Join(modules, "express"), filepath.Join(nm, "express"))
			continue
		}
		if err := os.Symlink(filepath.Join(modules, e.Name()), filepath.Join(nm, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte(expressApp), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// span is what the request count reads from an exported span.
type span struct {
	TraceID string `json:"traceId"`
	SpanID  string `json:"spanId"`
	Parent  string `json:"parentSpanId"`
	Name    string `json:"name"`
}

// expressSpans runs the app sending itself n requests, exporting to a
// file, and returns the spans.
func expressSpans(t *testing.T, node, dir string, n int) []span {
	t.Helper()
	out := filepath.Join(t.TempDir(), "spans.jsonl")
	// No rate limit: the count must not depend on the machine's speed.
	got := runProgram(t, dir, []string{"TELEMETRY_INJECT_FILE=" + out, "TELEMETRY_INJECT_SPAN_RATE_LIMIT=0", "OTEL_EXPORTER_OTLP_ENDPOINT="},
		node, "app.js", fmt.Sprint(n))
	if want := fmt.Sprintf("answered %d", n); !strings.Contains(got, want) {
		t.Fatalf("the app did not answer: %s", got)
	}
	f, err := os.Open(out)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var spans []span
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var s span
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("%s: not a span: %v", out, err)
		}
		spans = append(spans, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return spans
}

// roots counts the root spans by name.
func roots(spans []span) map[string]int {
	out := map[string]int{}
	for _, s := range spans {
		if s.Parent == "" {
			out[s.Name]++
		}
	}
	return out
}

// oneRequest names the spans of the busy run that the idle run lacks,
// counted per name over the requests: "express.lib.router.handle×1, ...".
func oneRequest(busy, idle []span) string {
	count := map[string]int{}
	for _, s := range busy {
		count[s.Name]++
	}
	for _, s := range idle {
		count[s.Name]--
	}
	var parts []string
	for name, c := range count {
		if c > 0 {
			parts = append(parts, fmt.Sprintf("%s×%.4g", name, float64(c)/expressRequests))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

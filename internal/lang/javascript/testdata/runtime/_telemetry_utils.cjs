// A minimal test runtime for the injected code (docs/injected-code.md): it
// keeps span and event counts, never throws, never prints to stdout, and
// reports its counts as one JSON line on stderr when the process exits.
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

const als = new AsyncLocalStorage();
const stats = { spans: {}, failed: {}, events: 0, ticks: {}, values: 0, marks: 0, open: 0 };
let current = null;

function active() {
  return current || als.getStore() || null;
}

function enter(name, file, line, attrs) {
  try {
    const s = { name, parent: active(), ended: false };
    stats.spans[name] = (stats.spans[name] || 0) + 1;
    stats.open++;
    current = s;
    return s;
  } catch (_) {
    return null;
  }
}

function exit(s) {
  if (!s || s.ended) return;
  s.ended = true;
  stats.open--;
  current = s.parent && !s.parent.ended ? s.parent : null;
}

function fail(s, e) {
  if (!s) return;
  stats.failed[s.name] = (stats.failed[s.name] || 0) + 1;
}

function run(name, file, line, attrs, fn) {
  const s = { name, parent: active(), ended: false };
  stats.spans[name] = (stats.spans[name] || 0) + 1;
  stats.open++;
  const saved = current;
  current = null;
  let r;
  try {
    r = als.run(s, fn);
  } catch (e) {
    fail(s, e);
    exit(s);
    current = saved;
    throw e;
  }
  current = saved;
  if (r && typeof r.then === 'function') {
    return r.then((v) => { exit(s); return v; }, (e) => { fail(s, e); exit(s); throw e; });
  }
  exit(s);
  return r;
}

function loop(event, file, line) { stats.events++; }
function tick(event) { stats.ticks[event] = (stats.ticks[event] || 0) + 1; }
function v(key, value, file, line) { stats.values++; }
function val(key, value, file, line) { stats.values++; }
function mark(key, file, line) { stats.marks++; }

process.on('exit', () => {
  process.stderr.write('TI-STATS ' + JSON.stringify(stats) + '\n');
});

module.exports = { enter, exit, fail, run, loop, tick, v, val, mark };

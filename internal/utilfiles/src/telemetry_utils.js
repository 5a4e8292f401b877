//@@HEADER@@
/* c8 ignore start */
/* node:coverage disable */
/* istanbul ignore file */
// Kept out of coverage (c8, node --test, nyc): counted, it would fail a
// threshold (c8 --100) the original meets.
// Runtime for code instrumented by telemetry-inject (do not edit: it is
// rewritten on every run and removed by `telemetry-inject --remove`).
//
// No dependencies; Node 18+, bundlers and browsers. No Node built-in is
// loaded at import time and nothing is added to the global object. Where
// telemetry goes is decided at run time:
//  1. a tracer provider registered with @opentelemetry/api (found through the
//     API's global registration, no require): spans go through it and join
//     the program's traces;
//  2. OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
//     (+ /v1/traces): OTLP/HTTP JSON via fetch, batched, requests under 4 MiB;
//  3. TELEMETRY_INJECT_FILE: one span per line, OTLP span JSON (Node only);
//  4. otherwise next to no cost.
// The OpenTelemetry SDK's variables are honoured (OTEL_BSP_*, OTEL_SPAN_*
// limits, OTEL_TRACES_SAMPLER/_ARG, OTEL_SERVICE_NAME, ...), plus
// TELEMETRY_INJECT_SPANS_PER_SECOND or TELEMETRY_INJECT_SPAN_RATE_LIMIT
// (spans per second per name, default 100, as in Python),
// TELEMETRY_INJECT_EXIT_TIMEOUT (ms, default 1000) and
// TELEMETRY_INJECT_DEBUG=1 (one line of counts on stderr at exit).
//
// The program's code is never called: values are described by their shape
// (type, size of exact built-in containers) unless the call asks for values,
// and then only numbers, booleans, null/undefined and short redacted strings.
//
// Context: run() uses AsyncLocalStorage.run where Node offers it without an
// import (process.getBuiltinModule, Node 20.16+/22.3+, or require in
// CommonJS), so a span is the parent only of work started inside it;
// enter()/exit() keep a plain stack, exact for synchronous code. A span
// whose parent has ended starts a new trace. A generator's span stays
// current past a yield until the end of that synchronous job.

const G = globalThis;
const OTEL_API = Symbol.for("opentelemetry.js.api.1");
const OTEL_SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
const AsyncFunctionProto = Object.getPrototypeOf(async () => {});
const promiseThen = Promise.prototype.then;
// A queueMicrotask that is not native is a test's fake (jest's
// fakeTimers.enableGlobally installs it before the runtime loads): the
// stack reset must neither wait for the test to run it nor be counted by
// jest.getTimerCount(), so a resolved promise queues it instead.
const microtask = typeof queueMicrotask === "function" && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(queueMicrotask))
  ? queueMicrotask
  : ((resolved) => (f) => { promiseThen.call(resolved, f); })(Promise.resolve());
const VERSION = "@@VERSION@@";
const nodeRequire = /*@@REQUIRE@@*/ undefined;

// mode: 0 not yet configured, 1 nothing of our own, 2 own exporter, 3 the
// first copy's exporter.
const st = {
  // host: the first copy's functions (see share.js), null when this copy
  // is the first, undefined until it has looked.
  mode: 0, exporter: null, cfg: null, als: undefined, types: undefined, cur: null, resetQueued: false, host: undefined, channel: null,
  tracers: new WeakMap(), buckets: new Map(), seen: new WeakSet(), rand: null,
  stats: { exported: 0, dropped: 0, exitDropped: 0, failed: 0, rateLimited: 0, unsampled: 0, events: 0, attrs: 0, errors: 0 },
};

function env() {
  const p = G.process;
  return (p && p.env) || {};
}

function builtin(id) {
  try {
    const p = G.process;
    if (p && typeof p.getBuiltinModule === "function") return p.getBuiltinModule(id);
    if (nodeRequire !== undefined) return nodeRequire(id);
  } catch (e) {
    st.stats.errors++;
  }
  return undefined;
}

function als() {
  if (st.als === undefined) {
    const m = builtin("node:async_hooks");
    st.als = m && m.AsyncLocalStorage ? new m.AsyncLocalStorage() : null;
  }
  return st.als;
}

// current is the innermost span of the synchronous stack, else the one the
// asynchronous context carries.
function current() {
  if (st.cur !== null) return st.cur;
  const a = st.als;
  return a ? a.getStore() || null : null;
}

function resetStack() {
  st.resetQueued = false;
  st.cur = null;
}

// Times are kept as milliseconds since the clock's origin, read once: the
// origin's getter costs more than the rest of a span, and small numbers keep
// performance.now()'s sub-microsecond precision.
const perf = G.performance && typeof G.performance.now === "function" && G.performance.timeOrigin ? G.performance : null;
const origin = perf ? perf.timeOrigin : Date.now();

function nowMs() {
  return perf ? perf.now() : Date.now() - origin;
}

class Span {
  constructor(name, parent, sampled, now) {
    this.name = name;
    // A span that is not recorded needs no ids: its children are not
    // recorded either.
    this.traceId = parent !== null ? parent.traceId : sampled ? hex(32) : "";
    this.spanId = sampled ? hex(16) : "";
    this.parentId = parent !== null ? parent.spanId : "";
    this.sampled = sampled;
    this.attrs = null;
    this.events = null;
    this.counts = null;
    this.error = null;
    // Set when the call records values: only then is an error's message,
    // which is program data ("Invalid user alice"), recorded.
    this.values = false;
    this.otel = null;
    this.ctx = null;
    this.inCtx = false;
    this.prev = null;
    this.parent = null;
    this.kept = 0;
    this.ended = false;
    this.droppedEvents = 0;
    this.droppedAttrs = 0;
    this.start = now;
    this.end = 0;
  }

  event(name, attrs) {
    if (this.otel) {
      this.otel.addEvent(name, attrs);
    } else if ((this.events !== null ? this.events.length : 0) >= st.cfg.events) {
      this.droppedEvents++;
      st.stats.events++;
    } else {
      (this.events || (this.events = [])).push([name, nowMs(), attrs]);
    }
  }
}

// ctxWith returns parent with our span set, as @opentelemetry/api's
// trace.setSpan would; without a context manager there is no parent
// context, so a minimal one is made with the same three methods.
function ctxWith(parent, span) {
  if (parent && typeof parent.setValue === "function") return parent.setValue(OTEL_SPAN_KEY, span);
  const make = (m) => ({
    getValue: (k) => m.get(k),
    setValue: (k, v) => make(new Map(m).set(k, v)),
    deleteValue: (k) => { const n = new Map(m); n.delete(k); return make(n); },
  });
  return make(new Map([[OTEL_SPAN_KEY, span]]));
}

function configure() {
  st.mode = 1;
  const e = env();
  st.cfg = settings(e);
  if (String(e.OTEL_SDK_DISABLED || "").trim().toLowerCase() === "true" || st.cfg.ratio === 0) return;
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || e.OTEL_EXPORTER_OTLP_ENDPOINT || e.TELEMETRY_INJECT_FILE) {
    link();
    if (st.host !== null) {
      st.mode = 3;
      return;
    }
    st.exporter = new Exporter(e); // eslint-disable-line no-use-before-define
    st.mode = 2;
  }
}

function start(name, file, line, attrs, values) {
  try {
    if (st.mode === 0) configure();
    const api = G[OTEL_API];
    const provider = api !== undefined ? api.trace : undefined;
    if (provider === undefined && st.exporter === null) return null;
    als();
    let parent = current();
    if (parent !== null && parent.ended) parent = null;
    const now = nowMs();
    // With the program's tracer its SDK samples; ours keeps a child exactly
    // when its parent was kept, so nothing exported lacks its parent.
    let sampled = parent !== null ? parent.sampled : true;
    if (sampled && provider === undefined && !allowed(name, now)) {
      sampled = false;
      st.stats.rateLimited++;
    }
    const s = new Span(name, parent, sampled, now);
    s.values = !!values;
    if (parent === null && sampled && provider === undefined && !sampledRoot(s.traceId, st.cfg.ratio)) {
      s.sampled = false;
      s.spanId = "";
    }
    if (!s.sampled) {
      st.stats.unsampled++;
      return s;
    }
    if (provider === undefined) s.parent = parent;
    const a = { "code.function.name": name, "code.file.path": file, "code.line.number": line };
    if (attrs) s.droppedAttrs = describe(a, 3, attrs, values, st.cfg.attrs);
    st.stats.attrs += s.droppedAttrs;
    s.attrs = a;
    if (provider !== undefined) {
      let tracer = st.tracers.get(provider);
      if (tracer === undefined) {
        tracer = provider.getTracer("telemetry-inject", VERSION);
        st.tracers.set(provider, tracer);
      }
      // A span run() made current is in the program's context too, where
      // the program's own spans may have nested deeper since: the active
      // context then knows best. A span enter() made current is only ours.
      const ctxm = api.context;
      const pctx = parent !== null && parent.ctx && !parent.inCtx ? parent.ctx : ctxm && typeof ctxm.active === "function" ? ctxm.active() : undefined;
      s.otel = tracer.startSpan(name, { kind: 0, attributes: a }, pctx);
      s.ctx = ctxWith(pctx, s.otel);
    }
    return s;
  } catch (e) {
    st.stats.errors++;
    return null;
  }
}

// finish ends a span. It keeps prev, a span of its own (never a program
// value), so that exit can skip spans that ended out of order.
function finish(s) {
  try {
    s.ended = true;
    if (!s.sampled) return;
    if (s.counts !== null) {
      for (const [k, n] of s.counts) {
        if (n === 1 && k.endsWith(".runs")) continue;
        if (s.otel) s.otel.setAttribute(k, n);
        else s.attrs[k] = n;
      }
      s.counts = null;
    }
    if (s.otel) {
      s.otel.end();
      s.otel = null;
      s.ctx = null;
      return;
    }
    s.end = nowMs();
    if (st.exporter) st.exporter.add(s);
  } catch (e) {
    st.stats.errors++;
  }
}

function tiEnter(name, file, line, attrs, values) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return null;
  if (st.host !== null && peer() !== null) return st.host.enter(name, file, line, attrs, values);
  const s = start(name, file, line, attrs, values);
  if (s !== null) {
    // The stack is balanced by the time the job ends, except for a
    // generator suspended inside its span: the reset keeps that span from
    // becoming every later job's parent.
    if (!st.resetQueued) {
      st.resetQueued = true;
      microtask(resetStack);
    }
    s.prev = st.cur;
    st.cur = s;
  }
  return s;
}

function tiExit(s) {
  if (s === null || s === undefined) return;
  if (st.host) return st.host.exit(s);
  // Only a span that is still current gives way, to the nearest enclosing
  // span still running: a generator finishing after its consumer moved on
  // must not bring back a parent, nor leave an ended one current.
  if (st.cur === s) {
    let p = s.prev;
    while (p !== null && p.ended) p = p.prev;
    st.cur = p;
  }
  finish(s);
}

function tiFail(s, err) {
  if (s === null || s === undefined) return;
  if (st.host) return st.host.fail(s, err);
  if (!s.sampled) return;
  try {
    const t = typeof err;
    const obj = err !== null && (t === "object" || t === "function");
    // One exception event per thrown object, on the first span it leaves;
    // every span it escapes from gets status ERROR.
    const first = !obj || !st.seen.has(err);
    if (obj && first) st.seen.add(err);
    const info = errorInfo(err, s.values);
    s.error = info.message || info.type;
    if (s.otel) {
      if (first) s.otel.recordException({ name: info.type, message: info.message, stack: info.stack });
      s.otel.setStatus({ code: 2, message: s.error });
    } else if (first) {
      s.event("exception", { "exception.type": info.type, "exception.message": info.message, "exception.stacktrace": info.stack });
    }
  } catch (e) {
    st.stats.errors++;
  }
}

function settle(s, p) {
  return promiseThen.call(p, (v) => { finish(s); return v; }, (e) => { tiFail(s, e); finish(s); throw e; });
}

// The JSDoc types tiRun for tsc in a project that compiles its
// JavaScript (allowJs): an instrumented async function returns what run
// returns, and its emitted declaration would otherwise say Promise<any>.
/**
 * @template T
 * @param {string} name
 * @param {string} file
 * @param {number} line
 * @param {Record<string, unknown> | null | undefined} attrs
 * @param {() => T} fn
 * @param {number | boolean} [values]
 * @returns {T}
 */
function tiRun(name, file, line, attrs, fn, values) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return fn();
  if (st.host !== null && peer() !== null) return st.host.run(name, file, line, attrs, fn, values);
  const s = start(name, file, line, attrs, values);
  if (s === null) return fn();
  const prev = st.cur, a = st.als;
  let r;
  try {
    // The synchronous stack is left to the asynchronous context for the
    // call, so that what fn starts keeps s, not a span that has ended.
    st.cur = a ? null : s;
    const ctxm = s.otel !== null ? G[OTEL_API].context : undefined;
    if (ctxm !== undefined && typeof ctxm.with === "function") {
      s.inCtx = true;
      r = a ? ctxm.with(s.ctx, a.run, a, s, fn) : ctxm.with(s.ctx, fn);
    } else {
      r = a ? a.run(s, fn) : fn();
    }
  } catch (e) {
    st.cur = prev;
    tiFail(s, e);
    finish(s);
    throw e;
  }
  st.cur = prev;
  // Only an async callback's promise is replaced by one that settles the
  // same way: the instrumented function is async too, so nobody can see the
  // difference. A sync function's result (a thenable query builder, say)
  // is returned as is, and its span covers the synchronous call.
  if (Object.getPrototypeOf(fn) === AsyncFunctionProto) return settle(s, r);
  finish(s);
  return r;
}

function addEvent(s, name, file, line, key, v) {
  try {
    const a = { "code.file.path": file, "code.line.number": line };
    if (key !== "") a[key] = v;
    s.event(name, a);
  } catch (e) {
    st.stats.errors++;
  }
}

function tiLoop(event, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (st.host) return st.host.loop(event, file, line);
  const s = current();
  if (s === null || !s.sampled) return;
  // A loop entered again within the same span (an inner loop) is counted,
  // not repeated as events.
  const c = s.counts || (s.counts = new Map());
  const k = event + ".runs", n = c.get(k);
  if (n === undefined) addEvent(s, event, file, line, "", undefined);
  c.set(k, (n || 0) + 1);
}

function tiTick(event) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (st.host) return st.host.tick(event);
  const s = current();
  if (s === null || !s.sampled) return;
  const c = s.counts || (s.counts = new Map());
  const k = event + ".iterations";
  c.set(k, (c.get(k) || 0) + 1);
}

function tiVar(key, val, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (st.host) return st.host.v(key, val, file, line);
  const s = current();
  if (s === null || !s.sampled) return;
  if (sensitive(key)) addEvent(s, key, file, line, "", undefined);
  else addEvent(s, key, file, line, "shape", shape(val));
}

function tiVal(key, val, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (st.host) return st.host.val(key, val, file, line);
  const s = current();
  if (s === null || !s.sampled) return;
  if (sensitive(key)) addEvent(s, key, file, line, "", undefined);
  else addEvent(s, key, file, line, "value", value(val));
}

function tiMark(key, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (st.host) return st.host.mark(key, file, line);
  const s = current();
  if (s !== null && s.sampled) addEvent(s, key, file, line, "", undefined);
}

//@@SHAPE@@

//@@SHARE@@

//@@SAMPLER@@

//@@EXPORTER@@

//@@EXPORTS@@

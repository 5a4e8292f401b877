//@@HEADER@@
// Runtime for code instrumented by telemetry-inject (do not edit: it is
// rewritten on every run and removed by `telemetry-inject --remove`).
//
// No dependencies; Node 18+, bundlers and browsers. No Node built-in is
// loaded at import time. Where telemetry goes is decided at run time:
//  1. a tracer provider registered with @opentelemetry/api (found through the
//     API's global registration, no require): spans go through it and join
//     the program's traces;
//  2. OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
//     (+ /v1/traces): OTLP/HTTP JSON via fetch, batched on an unref'd timer,
//     bounded queue; OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
//     OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT and
//     OTEL_SDK_DISABLED are honoured;
//  3. TELEMETRY_INJECT_FILE: one span per line, OTLP span JSON (Node only);
//  4. otherwise next to no cost.
// TELEMETRY_INJECT_EXIT_TIMEOUT (ms, default 1000) bounds the exit flush.
// TELEMETRY_INJECT_DEBUG=1 prints one line of counts to stderr at exit (2
// and 3 only); nothing else is ever printed.
//
// Spans nest across await through AsyncLocalStorage where Node offers it
// without an import (process.getBuiltinModule, Node 20.16+/22.3+, or
// require in CommonJS); elsewhere they follow a plain stack, right for
// synchronous code. A generator's span is current while its body runs up to
// a yield. The OTLP exit flush runs on 'beforeExit', which process.exit()
// skips; a file is also written on 'exit'.

const G = globalThis;
const MAX = 256;
const OTEL_API = Symbol.for("opentelemetry.js.api.1");
const OTEL_SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
const AsyncFunction = (async () => {}).constructor;
const nodeRequire = /*@@REQUIRE@@*/ undefined;
const RETRY = [429, 502, 503, 504];

// mode: 0 not yet configured, 1 nothing of our own, 2 own exporter.
const st = { mode: 0, exporter: null, als: undefined, cur: null, tracers: new WeakMap(), stats: { dropped: 0, errors: 0, exported: 0 } };

const SENSITIVE_WORDS = new Set(("password passwords passwd pwd pw passphrase passcode secret secrets token tokens jwt bearer otp " +
  "totp nonce key apikey privkey auth authn authz oauth authorization authorisation credential credentials cred creds " +
  "cookie cookies session sessions sessionid sid ssn iban dob card cards creditcard cardnumber cvv cvc ccv pin salt hmac").split(" "));
const SENSITIVE_FRAGMENTS = ["password", "passwd", "secret", "apikey", "accesskey", "privatekey", "credential", "creditcard", "cardnumber", "socialsecurity", "authorization"];

// Names come from the source, so the cache stays as small as the program.
const sensitiveCache = new Map();

function sensitive(name) {
  let hit = sensitiveCache.get(name);
  if (hit === undefined) {
    hit = sensitiveUncached(name);
    sensitiveCache.set(name, hit);
  }
  return hit;
}

function sensitiveUncached(name) {
  const words = (String(name).match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) || []).map((w) => w.toLowerCase());
  if (words.some((w) => SENSITIVE_WORDS.has(w))) return true;
  const joined = words.join("");
  return SENSITIVE_FRAGMENTS.some((f) => joined.includes(f));
}

function trunc(s) {
  return s.length <= MAX ? s : s.slice(0, MAX - 3) + "...";
}

// fmt gives a bounded, reference-free description of v without calling any
// of the program's code (no toString, no getters, no Proxy traps beyond
// reading the constructor).
function fmt(v, depth) {
  switch (typeof v) {
    case "string": return depth ? JSON.stringify(trunc(v)) : trunc(v);
    case "number": case "boolean": case "undefined": return String(v);
    case "bigint": return String(v) + "n";
    case "symbol": return "Symbol()";
    case "function": return "[Function]";
  }
  if (v === null) return "null";
  if (depth > 1) return Array.isArray(v) ? "[...]" : "{...}";
  if (Array.isArray(v)) {
    const parts = v.slice(0, 10).map((x) => fmt(x, depth + 1));
    return trunc("[" + parts.join(", ") + (v.length > 10 ? ", ..." : "") + "]");
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const c = proto && Object.prototype.hasOwnProperty.call(proto, "constructor") ? proto.constructor : undefined;
    return "[object " + (typeof c === "function" && typeof c.name === "string" ? c.name : "Object") + "]";
  }
  const keys = Object.keys(v);
  const parts = keys.slice(0, 10).map((k) => k + ": " + (sensitiveUncached(k) ? "[redacted]" : fmt(Object.getOwnPropertyDescriptor(v, k).value, depth + 1)));
  return trunc("{" + parts.join(", ") + (keys.length > 10 ? ", ..." : "") + "}");
}

function value(v) {
  try {
    const t = typeof v;
    if (t === "boolean" || (t === "number" && Number.isFinite(v))) return v;
    return fmt(v, 0);
  } catch (e) {
    return "<unrepresentable>";
  }
}

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

function current() {
  const a = st.als;
  return a ? a.getStore() : st.cur;
}

function setCurrent(s) {
  const a = st.als;
  if (a) a.enterWith(s);
  else st.cur = s;
}

// The clock is read as timeOrigin + now(): timeOrigin is read once, as its
// getter costs more than the rest of a span.
const perf = G.performance && typeof G.performance.now === "function" && G.performance.timeOrigin ? G.performance : null;
const origin = perf ? perf.timeOrigin : 0;

function nowMs() {
  return perf ? origin + perf.now() : Date.now();
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

// hex returns n random hex digits (n a multiple of 8), never all zeros,
// which OTLP reserves for "no id".
function hex(n) {
  let s = "", any = 0;
  for (let i = 0; i < n; i += 8) {
    const r = (Math.random() * 4294967296) >>> 0;
    any |= r;
    s += HEX[r >>> 24] + HEX[(r >>> 16) & 255] + HEX[(r >>> 8) & 255] + HEX[r & 255];
  }
  return any === 0 ? s.slice(0, -1) + "1" : s;
}

class Span {
  constructor(name, parent, attrs) {
    this.name = name;
    this.traceId = parent ? parent.traceId : hex(32);
    this.spanId = hex(16);
    this.parentId = parent ? parent.spanId : "";
    this.attrs = attrs;
    this.events = null;
    this.counts = null;
    this.error = null;
    this.otel = null;
    this.ctx = null;
    this.inCtx = false;
    this.prev = undefined;
    this.start = nowMs();
    this.end = 0;
  }

  event(name, attrs) {
    if (this.otel) this.otel.addEvent(name, attrs);
    else (this.events || (this.events = [])).push([name, nowMs(), attrs]);
  }
}

// ctxWith returns parent with our span set, as @opentelemetry/api's
// trace.setSpan would; without a context manager there is no parent
// context, so a minimal one is made with the same three methods.
function ctxWith(parent, span) {
  if (parent && typeof parent.setValue === "function") return parent.setValue(OTEL_SPAN_KEY, span);
  const m = new Map([[OTEL_SPAN_KEY, span]]);
  const make = (m) => ({
    getValue: (k) => m.get(k),
    setValue: (k, v) => make(new Map(m).set(k, v)),
    deleteValue: (k) => { const n = new Map(m); n.delete(k); return make(n); },
  });
  return make(m);
}

function configure() {
  st.mode = 1;
  const e = env();
  if (String(e.OTEL_SDK_DISABLED || "").trim().toLowerCase() === "true") return;
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || e.OTEL_EXPORTER_OTLP_ENDPOINT || e.TELEMETRY_INJECT_FILE) {
    st.exporter = new Exporter(e); // eslint-disable-line no-use-before-define
    st.mode = 2;
  }
}

function start(name, file, line, attrs) {
  try {
    if (st.mode === 0) configure();
    const api = G[OTEL_API];
    const provider = api !== undefined ? api.trace : undefined;
    if (provider === undefined && st.exporter === null) return null;
    als();
    const parent = current() || null;
    const a = { "code.function.name": name, "code.file.path": file, "code.line.number": line };
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        if (!sensitive(k)) a[k] = value(attrs[k]);
      }
    }
    const s = new Span(name, parent, a);
    if (provider !== undefined) {
      let tracer = st.tracers.get(provider);
      if (tracer === undefined) {
        tracer = provider.getTracer("telemetry-inject");
        st.tracers.set(provider, tracer);
      }
      // A span run() made current is in the program's context too, where
      // the program's own spans may have nested deeper since: the active
      // context then knows best. A span enter() made current is only ours.
      const ctxm = api.context;
      const pctx = parent && parent.ctx && !parent.inCtx ? parent.ctx : ctxm && typeof ctxm.active === "function" ? ctxm.active() : undefined;
      s.otel = tracer.startSpan(name, { kind: 0, attributes: a }, pctx);
      s.ctx = ctxWith(pctx, s.otel);
    }
    return s;
  } catch (e) {
    st.stats.errors++;
    return null;
  }
}

function finish(s) {
  try {
    if (s.counts) {
      for (const [k, n] of s.counts) {
        s.attrs[k + ".iterations"] = n;
        if (s.otel) s.otel.setAttribute(k + ".iterations", n);
      }
    }
    if (s.otel) {
      s.otel.end();
      return;
    }
    s.end = nowMs();
    if (st.exporter) st.exporter.add(s);
  } catch (e) {
    st.stats.errors++;
  }
}

function tiEnter(name, file, line, attrs) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return null;
  const s = start(name, file, line, attrs);
  if (s !== null) {
    s.prev = current();
    setCurrent(s);
  }
  return s;
}

function tiExit(s) {
  if (s === null || s === undefined) return;
  try {
    // Only a span that is still current gives way to its parent: a
    // generator that finishes after its consumer moved on, or code resumed
    // after an await without AsyncLocalStorage, must not bring back a
    // parent that has already ended.
    if (current() === s) setCurrent(s.prev);
  } catch (e) {
    st.stats.errors++;
  }
  finish(s);
}

function tiFail(s, err) {
  if (s === null || s === undefined) return;
  try {
    let type = typeof err, message = "", stack = "";
    if (err !== null && (type === "object" || type === "function")) {
      const name = err.name, msg = err.message, stk = err.stack;
      type = typeof name === "string" ? name : "Error";
      message = typeof msg === "string" ? trunc(msg) : "";
      stack = typeof stk === "string" ? stk.slice(0, 4096) : "";
    } else {
      message = trunc(String(err));
    }
    s.error = message;
    if (s.otel) {
      s.otel.recordException({ name: type, message, stack });
      s.otel.setStatus({ code: 2, message });
    } else {
      s.event("exception", { "exception.type": type, "exception.message": message, "exception.stacktrace": stack });
    }
  } catch (e) {
    st.stats.errors++;
  }
}

function runIn(s, fn) {
  const api = s.otel ? G[OTEL_API] : undefined;
  const ctxm = api !== undefined ? api.context : undefined;
  let inner = fn;
  if (ctxm && typeof ctxm.with === "function") {
    s.inCtx = true;
    inner = () => ctxm.with(s.ctx, fn);
  }
  const a = st.als;
  if (a) return a.run(s, inner);
  const prev = st.cur;
  st.cur = s;
  try {
    return inner();
  } finally {
    st.cur = prev;
  }
}

function tiRun(name, file, line, attrs, fn) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return fn();
  const s = start(name, file, line, attrs);
  if (s === null) return fn();
  let r;
  try {
    r = runIn(s, fn);
  } catch (e) {
    tiFail(s, e);
    finish(s);
    throw e;
  }
  // Only an async callback's promise is replaced by one that settles the
  // same way: the instrumented function is async too, so nobody can see the
  // difference. A sync function's result (a thenable query builder, say)
  // is returned as is, and its span covers the synchronous call.
  if (r instanceof Promise && fn instanceof AsyncFunction) {
    return r.then((v) => { finish(s); return v; }, (e) => { tiFail(s, e); finish(s); throw e; });
  }
  finish(s);
  return r;
}

function addEvent(name, file, line, extra) {
  try {
    const s = current();
    if (!s) return;
    const a = { "code.file.path": file, "code.line.number": line };
    if (extra !== undefined) a.value = extra;
    s.event(name, a);
  } catch (e) {
    st.stats.errors++;
  }
}

function tiLoop(event, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  addEvent(event, file, line, undefined);
}

function tiTick(event) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  const s = current();
  if (!s) return;
  const c = s.counts || (s.counts = new Map());
  c.set(event, (c.get(event) || 0) + 1);
}

function tiVar(key, val, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  if (!current()) return;
  addEvent(key, file, line, sensitive(key) ? undefined : value(val));
}

function tiVal(key, val, file, line) {
  tiVar(key, val, file, line);
}

function tiMark(key, file, line) {
  if (st.mode === 1 && G[OTEL_API] === undefined) return;
  addEvent(key, file, line, undefined);
}

//@@EXPORTER@@

//@@EXPORTS@@

// The exporter is appended to the runtime when it is built; it has its own
// source file so that each part reads in one sitting.

function pairs(text) {
  const out = {};
  for (const part of String(text || "").split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
    } catch (e) {
      st.stats.errors++;
    }
  }
  return out;
}

// A span is written as JSON text directly: building the OTLP object and
// stringifying it cost most of a file export's time (fast-uri's suite:
// JSON.stringify alone was 28% of the process's CPU).

// NEEDS_ESCAPE finds what a JSON string cannot hold as it is; lone
// surrogates are left to JSON.stringify, which escapes them.
const NEEDS_ESCAPE = /["\\\x00-\x1f\ud800-\udfff]/;

// q is s as a JSON string.
function q(s) {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

function attrText(k, v, max) {
  const t = typeof v;
  let value;
  if (t === "boolean") value = '{"boolValue":' + v + "}";
  else if (t === "number") value = Number.isSafeInteger(v) ? '{"intValue":"' + v + '"}' : '{"doubleValue":' + JSON.stringify(v) + "}";
  else {
    const s = String(v);
    value = '{"stringValue":' + q(s.length > max ? s.slice(0, max) : s) + "}";
  }
  return '{"key":' + q(k) + ',"value":' + value + "}";
}

function attrsText(o, max) {
  let out = "";
  for (const k of Object.keys(o)) out += (out === "" ? "" : ",") + attrText(k, o[k], max);
  return "[" + out + "]";
}

// Times: nowMs's milliseconds become Unix nanoseconds as text, exact to
// the nanosecond from the clock's origin, which is known to the
// microsecond. Whole numbers under 2^53 only: no BigInt (slower, and
// TypeScript refuses its literals below ES2020).
const originUs = Math.round(origin * 1000);
const originSec = Math.floor(originUs / 1e6);
const originSub = (originUs - originSec * 1e6) * 1000;

// relNs is a time from nowMs in whole nanoseconds since the origin.
function relNs(ms) {
  return Math.round(ms * 1e6);
}

// unixText writes a relNs time as Unix nanoseconds.
function unixText(rel) {
  const total = originSub + rel;
  const carry = Math.floor(total / 1e9);
  const sub = String(total - carry * 1e9);
  return String(originSec + carry) + "000000000".slice(sub.length) + sub;
}

// spanText is span s as OTLP span JSON; it lasts at least 1 ns.
function spanText(s, max) {
  const start = relNs(s.start);
  let end = relNs(s.end);
  if (end <= start) end = start + 1;
  let j = '{"traceId":"' + s.traceId + '","spanId":"' + s.spanId + '","name":' + q(s.name) +
    ',"kind":1,"startTimeUnixNano":"' + unixText(start) + '","endTimeUnixNano":"' + unixText(end) +
    '","attributes":' + attrsText(s.attrs, max) + ',"status":' +
    (s.error !== null ? '{"code":2,"message":' + q(s.error.length > max ? s.error.slice(0, max) : s.error) + "}" : "{}");
  if (s.parentId) j += ',"parentSpanId":"' + s.parentId + '"';
  if (s.events) {
    let ev = "";
    for (const [name, t, a] of s.events) {
      ev += (ev === "" ? "" : ",") + '{"timeUnixNano":"' + unixText(relNs(t)) + '","name":' + q(name) + ',"attributes":' + attrsText(a, max) + "}";
    }
    j += ',"events":[' + ev + "]";
  }
  if (s.droppedAttrs) j += ',"droppedAttributesCount":' + s.droppedAttrs;
  if (s.droppedEvents) j += ',"droppedEventsCount":' + s.droppedEvents;
  return j + "}";
}

// bytes is an upper bound of a string's UTF-8 length.
function bytes(s) {
  return /[^\x00-\x7f]/.test(s) ? s.length * 3 : s.length;
}

// BODY_LIMIT keeps every request under 4 MiB, which collectors accept.
const BODY_LIMIT = 4 * 1024 * 1024 - 4096;

// Timers are node's own (node:timers), else the global's as the runtime
// loaded: a test's fake timers must neither hold nor count the exporter's,
// and jest's fakeTimers.enableGlobally puts them on the global before any
// module of the test loads (jest.getTimerCount() saw the exporter's).
const timers = realTimers();

function realTimers() {
  const m = builtin("node:timers");
  if (m && typeof m.setTimeout === "function" && typeof m.clearTimeout === "function") return { set: m.setTimeout, clear: m.clearTimeout };
  return { set: G.setTimeout, clear: G.clearTimeout };
}

// HOST_EXIT names the registry of exit callbacks on the process Node runs.
const HOST_EXIT = Symbol.for("telemetry-inject.host-exit");

// hostExit is null where p is the process Node runs, else that process's
// registry of exit callbacks: a jest test file sees a copy of process whose
// 'exit' never comes, so spans queued there were never written. The registry
// is made in Node's own context and holds the callbacks weakly: one listener
// for every test file, and a finished file's sandbox is not kept alive
// (jest --detectLeaks); its exporter keeps its callback while it lives.
function hostExit(p) {
  try {
    const vm = builtin("node:vm");
    const h = vm && vm.runInThisContext("typeof process === 'object' ? process : undefined");
    if (!h || h === p || typeof h.on !== "function") return null;
    if (h[HOST_EXIT] === undefined) {
      const reg = vm.runInThisContext(`(h) => {
        const refs = new Set();
        h.on("exit", () => { for (const r of refs) { const f = r.deref(); if (f !== undefined) f(); } });
        return { add(f) { for (const r of refs) if (r.deref() === undefined) refs.delete(r); refs.add(new WeakRef(f)); } };
      }`)(h);
      Object.defineProperty(h, HOST_EXIT, { value: reg });
    }
    return h[HOST_EXIT];
  } catch (err) {
    st.stats.errors++;
    return null;
  }
}

// The exporter queues finished spans and writes them in batches. When the
// queue is full, a file is written at once (nothing is lost); for OTLP a
// leaf is dropped (a span without children: nothing exported loses its
// parent), and a span with children always finds room.
class Exporter {
  constructor(e) {
    let url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    if (!url && e.OTEL_EXPORTER_OTLP_ENDPOINT) url = String(e.OTEL_EXPORTER_OTLP_ENDPOINT).replace(/\/+$/, "") + "/v1/traces";
    this.url = url || "";
    this.path = this.url ? "" : e.TELEMETRY_INJECT_FILE;
    const pathMod = this.path ? builtin("node:path") : undefined;
    // Resolved now: the program may change directory before we write.
    if (pathMod) this.path = pathMod.resolve(this.path);
    this.headers = Object.assign(pairs(e.OTEL_EXPORTER_OTLP_HEADERS), pairs(e.OTEL_EXPORTER_OTLP_TRACES_HEADERS), { "content-type": "application/json" });
    this.timeout = envNumber(e, ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], 10000) || 10000;
    this.exitTimeout = envNumber(e, ["TELEMETRY_INJECT_EXIT_TIMEOUT"], 1000);
    this.cfg = st.cfg;
    const p = G.process;
    const node = Boolean(p && p.versions && p.versions.node);
    const res = Object.assign({ "service.name": node ? "unknown_service:node" : "unknown_service" }, pairs(e.OTEL_RESOURCE_ATTRIBUTES));
    if (e.OTEL_SERVICE_NAME) res["service.name"] = e.OTEL_SERVICE_NAME;
    res["telemetry.sdk.name"] = "telemetry-inject";
    res["telemetry.sdk.language"] = node ? "nodejs" : "webjs";
    res["telemetry.sdk.version"] = VERSION;
    if (node && typeof p.pid === "number") res["process.pid"] = p.pid;
    this.head = '{"resourceSpans":[{"resource":{"attributes":' + attrsText(res, Infinity) + "}" +
      ',"scopeSpans":[{"scope":' + JSON.stringify({ name: "telemetry-inject", version: VERSION }) + ',"spans":[';
    this.queue = [];
    this.timer = null;
    this.soon = false;
    this.exiting = false;
    this.inflight = 0;
    this.fs = undefined;
    this.fetch = typeof G.fetch === "function" ? G.fetch : null;
    if (p && typeof p.on === "function") {
      // beforeExit lets an async POST finish; 'exit', which process.exit()
      // still reaches, writes a file and counts what can no longer be sent.
      p.on("beforeExit", () => { if (this.queue.length) this.flush(true); });
      const atExit = () => {
        if (this.path) this.flush(true);
        else st.stats.exitDropped += this.queue.splice(0).length + this.inflight;
        if (e.TELEMETRY_INJECT_DEBUG && e.TELEMETRY_INJECT_DEBUG !== "0" && p.stderr) p.stderr.write(debugLine());
      };
      const host = hostExit(p);
      if (host === null) p.on("exit", atExit);
      else {
        // The registry holds it weakly: the exporter keeps it alive.
        this.atExit = atExit;
        host.add(atExit);
      }
    }
  }

  add(s) {
    const q = this.queue;
    if (q.length >= this.cfg.queue) {
      if (this.path) this.flush(false);
      else if (!this.makeRoom(s)) return;
    }
    q.push(s);
    if (s.parent !== null) s.parent.kept++;
    this.schedule(q.length >= this.cfg.batch);
  }

  // makeRoom says whether s may join a full OTLP queue, dropping s or a
  // queued span to make it so. Only spans none of whose children are kept
  // (queued or exported) go, so nothing kept loses its parent; memory stays
  // bounded, as a parent whose children were all dropped goes too.
  makeRoom(s) {
    const q = this.queue;
    if (s.kept === 0) {
      s.parent = null;
      st.stats.dropped++;
      return false;
    }
    for (let i = q.length - 1; i >= 0; i--) {
      const v = q[i];
      if (v.kept === 0) {
        if (v.parent !== null) v.parent.kept--;
        v.parent = null;
        q.splice(i, 1);
        st.stats.dropped++;
        return true;
      }
    }
    return true;
  }

  // schedule arranges the next export: now for a full batch, after the
  // schedule delay otherwise.
  schedule(now) {
    if (this.timer !== null) {
      if (!now || this.soon) return;
      timers.clear(this.timer);
    }
    this.soon = now;
    this.timer = timers.set(() => { this.timer = null; this.flush(false); }, now ? 0 : this.cfg.delay);
    if (this.timer && typeof this.timer.unref === "function") this.timer.unref();
  }

  flush(exiting) {
    try {
      if (exiting) this.exiting = true;
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.cfg.batch);
        for (const s of batch) s.parent = null;
        if (this.path) this.write(batch);
        else this.send(batch);
      }
    } catch (e) {
      st.stats.errors++;
    }
  }

  write(batch) {
    if (this.fs === undefined) this.fs = builtin("node:fs") || null;
    const fs = this.fs;
    if (fs === null) {
      st.stats.failed += batch.length;
      return;
    }
    try {
      let text = "";
      for (const s of batch) text += spanText(s, this.cfg.valueLen) + "\n";
      fs.appendFileSync(this.path, text);
      st.stats.exported += batch.length;
    } catch (e) {
      st.stats.failed += batch.length;
      st.stats.errors++;
    }
  }

  // send posts a batch in as many requests as keep each under BODY_LIMIT.
  send(batch) {
    let parts = [], size = this.head.length + 8;
    for (const s of batch) {
      const j = spanText(s, this.cfg.valueLen), n = bytes(j) + 1;
      if (n + this.head.length + 8 > BODY_LIMIT) {
        st.stats.failed++;
        continue;
      }
      if (size + n > BODY_LIMIT) {
        this.post(this.head + parts.join(",") + "]}]}]}", parts.length, 0);
        parts = [];
        size = this.head.length + 8;
      }
      parts.push(j);
      size += n;
    }
    if (parts.length) this.post(this.head + parts.join(",") + "]}]}]}", parts.length, 0);
  }

  post(body, n, attempt) {
    if (this.fetch === null) {
      st.stats.failed += n;
      return;
    }
    const ms = this.exiting ? Math.min(this.timeout, this.exitTimeout) : this.timeout;
    const signal = typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined;
    if (attempt === 0) this.inflight += n;
    const done = (ok) => {
      this.inflight -= n;
      if (ok) st.stats.exported += n;
      else st.stats.failed += n;
    };
    this.fetch.call(G, this.url, { method: "POST", headers: this.headers, body, signal }).then((res) => {
      if (res.body && typeof res.body.cancel === "function") res.body.cancel().catch(() => {});
      if (res.ok) return done(true);
      if (RETRY.includes(res.status) && attempt < 3 && !this.exiting) {
        const after = Number(res.headers.get("retry-after"));
        const wait = (after > 0 ? Math.min(after, 5) * 1000 : 500 * 2 ** attempt) * (0.5 + rand32() / 4294967296);
        const t = timers.set(() => this.post(body, n, attempt + 1), wait);
        if (t && typeof t.unref === "function") t.unref();
        return undefined;
      }
      return done(false);
    }).catch(() => done(false));
  }
}

const RETRY = [429, 502, 503, 504];

// debugLine is what TELEMETRY_INJECT_DEBUG=1 prints at exit: every span
// that did not reach the destination is in one of the dropped counts.
function debugLine() {
  const c = st.stats;
  return "telemetry-inject: exported=" + c.exported + " dropped=" + (c.dropped + c.exitDropped + c.failed) +
    " (queue_full=" + c.dropped + " at_exit=" + c.exitDropped + " export_failed=" + c.failed + ")" +
    " rate_limited=" + c.rateLimited + " unsampled=" + c.unsampled + " events_over_limit=" + c.events +
    " attributes_over_limit=" + c.attrs + " errors=" + c.errors + "\n";
}

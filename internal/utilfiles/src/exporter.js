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

function attr(k, v, max) {
  const t = typeof v;
  if (t === "boolean") return { key: k, value: { boolValue: v } };
  if (t === "number") return Number.isSafeInteger(v) ? { key: k, value: { intValue: String(v) } } : { key: k, value: { doubleValue: v } };
  const s = String(v);
  return { key: k, value: { stringValue: s.length > max ? s.slice(0, max) : s } };
}

function attrs(o, max) {
  return Object.keys(o).map((k) => attr(k, o[k], max));
}

// originNs is the clock's origin in Unix nanoseconds, exact to the
// microsecond. (No BigInt literals: TypeScript refuses them below ES2020.)
const ONE = BigInt(1);
const originNs = BigInt(Math.round(origin * 1000)) * BigInt(1000);

// nanos converts a time from nowMs to Unix nanoseconds (a BigInt);
// given after, the result is later than it: a span lasts at least 1 ns.
function nanos(ms, after) {
  let n = originNs + BigInt(Math.round(ms * 1e6));
  if (after !== undefined && n <= after) n = after + ONE;
  return n;
}

function spanJSON(s, max) {
  const start = nanos(s.start, undefined);
  const d = {
    traceId: s.traceId, spanId: s.spanId, name: s.name, kind: 1,
    startTimeUnixNano: String(start), endTimeUnixNano: String(nanos(s.end, start)),
    attributes: attrs(s.attrs, max),
    status: s.error !== null ? { code: 2, message: s.error.length > max ? s.error.slice(0, max) : s.error } : {},
  };
  if (s.parentId) d.parentSpanId = s.parentId;
  if (s.events) d.events = s.events.map(([name, t, a]) => ({ timeUnixNano: String(nanos(t, undefined)), name, attributes: attrs(a, max) }));
  if (s.droppedAttrs) d.droppedAttributesCount = s.droppedAttrs;
  if (s.droppedEvents) d.droppedEventsCount = s.droppedEvents;
  return d;
}

// bytes is an upper bound of a string's UTF-8 length.
function bytes(s) {
  return /[^\x00-\x7f]/.test(s) ? s.length * 3 : s.length;
}

// BODY_LIMIT keeps every request under 4 MiB, which collectors accept.
const BODY_LIMIT = 4 * 1024 * 1024 - 4096;

// Timers are the ones there were when the runtime loaded: a test's fake
// timers must neither hold nor count the exporter's.
const timers = { set: G.setTimeout, clear: G.clearTimeout };

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
    this.head = '{"resourceSpans":[{"resource":' + JSON.stringify({ attributes: attrs(res, Infinity) }) +
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
      p.on("exit", () => {
        if (this.path) this.flush(true);
        else st.stats.exitDropped += this.queue.splice(0).length + this.inflight;
        if (e.TELEMETRY_INJECT_DEBUG && e.TELEMETRY_INJECT_DEBUG !== "0" && p.stderr) p.stderr.write(debugLine());
      });
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
      fs.appendFileSync(this.path, batch.map((s) => JSON.stringify(spanJSON(s, this.cfg.valueLen)) + "\n").join(""));
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
      const j = JSON.stringify(spanJSON(s, this.cfg.valueLen)), n = bytes(j) + 1;
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

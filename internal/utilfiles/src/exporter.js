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

function envMs(e, names, dflt) {
  for (const n of names) {
    const v = Number(e[n]);
    if (e[n] && Number.isFinite(v) && v > 0) return v;
  }
  return dflt;
}

function attr(k, v) {
  const t = typeof v;
  if (t === "boolean") return { key: k, value: { boolValue: v } };
  if (t === "number") return Number.isInteger(v) && Number.isSafeInteger(v) ? { key: k, value: { intValue: String(v) } } : { key: k, value: { doubleValue: v } };
  return { key: k, value: { stringValue: String(v) } };
}

function attrs(o) {
  return Object.keys(o).map((k) => attr(k, o[k]));
}

// nanos renders a millisecond timestamp as the decimal string of its
// nanoseconds: microseconds stay within a double's exact integers.
function nanos(ms) {
  return String(Math.round(ms * 1000)) + "000";
}

function spanJSON(s) {
  const end = Math.max(s.end, s.start + 0.001);
  const d = {
    traceId: s.traceId, spanId: s.spanId, name: s.name, kind: 1,
    startTimeUnixNano: nanos(s.start), endTimeUnixNano: nanos(end),
    attributes: attrs(s.attrs),
    status: s.error !== null ? { code: 2, message: s.error } : {},
  };
  if (s.parentId) d.parentSpanId = s.parentId;
  if (s.events) d.events = s.events.map(([name, t, a]) => ({ timeUnixNano: nanos(t), name, attributes: attrs(a) }));
  return d;
}

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
    this.timeout = envMs(e, ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"], 10000);
    this.exitTimeout = envMs(e, ["TELEMETRY_INJECT_EXIT_TIMEOUT"], 1000);
    const res = Object.assign({ "service.name": "unknown_service:node" }, pairs(e.OTEL_RESOURCE_ATTRIBUTES));
    if (e.OTEL_SERVICE_NAME) res["service.name"] = e.OTEL_SERVICE_NAME;
    res["telemetry.sdk.name"] = "telemetry-inject";
    res["telemetry.sdk.language"] = "nodejs";
    if (G.process && typeof G.process.pid === "number") res["process.pid"] = G.process.pid;
    this.resource = attrs(res);
    this.queue = [];
    this.max = 2048;
    this.batch = 512;
    this.timer = null;
    this.exiting = false;
    const p = G.process;
    if (p && typeof p.on === "function") {
      // beforeExit lets an async POST finish; a file is also written on
      // 'exit', which process.exit() still reaches.
      p.on("beforeExit", () => { if (this.queue.length) this.flush(true); });
      if (this.path) p.on("exit", () => { if (this.queue.length) this.flush(true); });
      if (e.TELEMETRY_INJECT_DEBUG && p.stderr) {
        p.on("exit", () => {
          const c = st.stats;
          p.stderr.write("telemetry-inject: exported=" + c.exported + " dropped=" + c.dropped + " errors=" + c.errors + "\n");
        });
      }
    }
  }

  add(s) {
    if (this.queue.length >= this.max) {
      st.stats.dropped++;
      return;
    }
    this.queue.push(s);
    if (this.queue.length === this.batch && this.timer !== null) {
      // A full batch goes now, not when the quiet-time timer fires.
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => { this.timer = null; this.flush(false); }, this.queue.length >= this.batch ? 0 : 1000);
      if (this.timer && typeof this.timer.unref === "function") this.timer.unref();
    }
  }

  flush(exiting) {
    try {
      if (exiting) this.exiting = true;
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.batch);
        const spans = batch.map(spanJSON);
        if (this.path) this.write(spans);
        else this.post(JSON.stringify({ resourceSpans: [{ resource: { attributes: this.resource }, scopeSpans: [{ scope: { name: "telemetry-inject" }, spans }] }] }), spans.length, 0);
      }
    } catch (e) {
      st.stats.errors++;
    }
  }

  write(spans) {
    const fs = builtin("node:fs");
    if (!fs) {
      st.stats.dropped += spans.length;
      return;
    }
    fs.appendFileSync(this.path, spans.map((s) => JSON.stringify(s) + "\n").join(""));
    st.stats.exported += spans.length;
  }

  post(body, n, attempt) {
    if (typeof G.fetch !== "function") {
      st.stats.dropped += n;
      return;
    }
    const ms = this.exiting ? Math.min(this.timeout, this.exitTimeout) : this.timeout;
    const signal = typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined;
    G.fetch(this.url, { method: "POST", headers: this.headers, body, signal }).then((res) => {
      if (res.body && typeof res.body.cancel === "function") res.body.cancel().catch(() => {});
      if (res.ok) {
        st.stats.exported += n;
        return;
      }
      if (RETRY.includes(res.status) && attempt < 3 && !this.exiting) {
        const after = Number(res.headers.get("retry-after"));
        const wait = (after > 0 ? Math.min(after, 5) * 1000 : 500 * 2 ** attempt) * (0.5 + Math.random());
        const t = setTimeout(() => this.post(body, n, attempt + 1), wait);
        if (t && typeof t.unref === "function") t.unref();
        return;
      }
      st.stats.dropped += n;
    }).catch(() => { st.stats.dropped += n; });
  }
}

// Settings read once from the environment, span ids, and which spans are kept:
// OTEL_TRACES_SAMPLER/_ARG decide for a trace's root, a child follows its
// parent (so a kept span's parent is always kept), and a per-name rate limit
// keeps one hot function from flooding the exporter.

function envNumber(e, names, dflt) {
  for (const k of names) {
    const raw = e[k];
    if (raw === undefined || String(raw).trim() === "") continue;
    const v = Number(raw);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  return dflt;
}

// rootRatio is the share of new traces OTEL_TRACES_SAMPLER keeps. Every
// sampler the spec names reduces to it here: the runtime's only parents are
// its own spans, so parentbased_* and a trace-id ratio (decided on the trace
// id, the same for the whole trace) both keep a child exactly when its parent
// was kept.
function rootRatio(e) {
  const name = String(e.OTEL_TRACES_SAMPLER || "parentbased_always_on").trim().toLowerCase();
  let arg = Number(e.OTEL_TRACES_SAMPLER_ARG);
  if (e.OTEL_TRACES_SAMPLER_ARG === undefined || !(arg >= 0 && arg <= 1)) arg = 1;
  switch (name) {
    case "always_off": case "parentbased_always_off": return 0;
    case "traceidratio": case "parentbased_traceidratio": return arg;
    default: return 1;
  }
}

// settings are the OpenTelemetry SDK's limits with the spec's defaults, and
// the rate limit: spans per second per span name, bursts up to one
// second's worth, 0 turns it off; 100 and both names as in Python's runtime.
function settings(e) {
  const queue = Math.max(1, Math.floor(envNumber(e, ["OTEL_BSP_MAX_QUEUE_SIZE"], 2048)));
  const rate = envNumber(e, ["TELEMETRY_INJECT_SPANS_PER_SECOND", "TELEMETRY_INJECT_SPAN_RATE_LIMIT"], 100);
  return {
    queue,
    delay: envNumber(e, ["OTEL_BSP_SCHEDULE_DELAY"], 5000),
    batch: Math.max(1, Math.min(queue, Math.floor(envNumber(e, ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"], 512)))),
    events: envNumber(e, ["OTEL_SPAN_EVENT_COUNT_LIMIT"], 128),
    attrs: envNumber(e, ["OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT"], 128),
    valueLen: envNumber(e, ["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"], Infinity),
    ratio: rootRatio(e),
    rate,
    burst: rate,
  };
}

// sampledRoot decides for a new trace from its id's last 32 bits, as a
// trace-id ratio sampler does.
function sampledRoot(traceId, ratio) {
  if (ratio >= 1) return true;
  return parseInt(traceId.slice(-8), 16) / 4294967296 < ratio;
}

// allowed takes one token from name's bucket, refilled at cfg.rate per
// second; the buckets are as many as the program's span names.
function allowed(name, now) {
  const cfg = st.cfg;
  if (cfg.rate === 0) return true;
  let b = st.buckets.get(name);
  if (b === undefined) {
    b = { tokens: cfg.burst, t: now };
    st.buckets.set(name, b);
  } else {
    b.tokens = Math.min(cfg.burst, b.tokens + ((now - b.t) * cfg.rate) / 1000);
    b.t = now;
  }
  if (b.tokens < 1) return false;
  b.tokens--;
  return true;
}

// Ids come from the runtime's own generator (xorshift128, seeded once from
// crypto where there is one), never from Math.random, which a program may
// have seeded for reproducible runs.
function rand32() {
  let r = st.rand;
  if (r === null) {
    r = st.rand = new Uint32Array(4);
    try {
      G.crypto.getRandomValues(r);
    } catch (e) {
      for (let i = 0; i < 4; i++) r[i] = (Date.now() * (i + 1) + nowMs() * 1000) >>> 0;
    }
    r[0] |= 1;
  }
  let t = r[3];
  const s = r[0];
  r[3] = r[2];
  r[2] = r[1];
  r[1] = s;
  t ^= t << 11;
  t ^= t >>> 8;
  r[0] = t ^ s ^ (s >>> 19);
  return r[0];
}

const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));

// hex returns n random hex digits (n a multiple of 8), never all zeros,
// which OTLP reserves for "no id".
function hex(n) {
  let s = "", any = 0;
  for (let i = 0; i < n; i += 8) {
    const r = rand32();
    any |= r;
    s += HEX[r >>> 24] + HEX[(r >>> 16) & 255] + HEX[(r >>> 8) & 255] + HEX[r & 255];
  }
  return any === 0 ? s.slice(0, -1) + "1" : s;
}

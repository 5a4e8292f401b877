// The copies of this runtime in one process (an application's and each
// library's, instrumented apart, CommonJS or ES module) share one context,
// so that a library's spans nest in the application's, and one exporter:
// the copy that needs a context first keeps its own, and every later copy
// hands the calls of its instrumented code to the first one's functions.
// They meet on a diagnostics channel: its name is process-wide and nothing
// of it is on the global object. The protocol is the version of those
// functions' contract (docs/injected-code.md), so that copies of different
// releases meet as long as it holds.
const CONTEXT_CHANNEL = "telemetry-inject:context";
const CONTEXT_PROTOCOL = 1;
const API = Object.freeze({
  protocol: CONTEXT_PROTOCOL, enter: tiEnter, exit: tiExit, fail: tiFail, run: tiRun,
  loop: tiLoop, tick: tiTick, v: tiVar, val: tiVal, mark: tiMark,
});

// peer returns the first copy's functions when this copy hands its calls
// to it, else null. It looks for one once, when this copy first has
// something to record: with nothing to record yet it looks again later.
function peer() {
  if (st.mode === 0) configure();
  if (st.host === undefined && (st.mode !== 1 || G[OTEL_API] !== undefined)) link();
  return st.host === undefined ? null : st.host;
}

// link asks on the channel for a first copy; with none answering, this copy
// is the first and answers from now on. The channel module is one of
// Node's, loaded here and not at import.
function link() {
  st.host = null;
  try {
    const dc = builtin("node:diagnostics_channel");
    if (dc === undefined || typeof dc.channel !== "function") return;
    const ch = dc.channel(CONTEXT_CHANNEL);
    const ask = { protocol: CONTEXT_PROTOCOL, api: null };
    if (ch.hasSubscribers) ch.publish(ask);
    const api = ask.api;
    if (api !== null && typeof api === "object" && api.protocol === CONTEXT_PROTOCOL && api !== API) {
      st.host = api;
      return;
    }
    // Channels are held weakly by name: this one lives as long as we do.
    st.channel = ch;
    const answer = (m) => {
      if (m !== null && typeof m === "object" && m.protocol === CONTEXT_PROTOCOL && m.api === null) m.api = API;
    };
    if (typeof dc.subscribe === "function") dc.subscribe(CONTEXT_CHANNEL, answer);
    else ch.subscribe(answer);
  } catch (e) {
    st.stats.errors++;
  }
}

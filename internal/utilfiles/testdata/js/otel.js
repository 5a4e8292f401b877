// A program that already uses OpenTelemetry: its own provider, context
// manager and tracer. Our spans must join its traces.
const api = require("@opentelemetry/api");
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require("@opentelemetry/sdk-trace-base");
const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks");
/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
provider.register();
const tracer = api.trace.getTracer("program");

function inner(x) {
  /*@ti{*/const __ti_s = __ti.enter("inner", "otel.js", 15, {x: x}, 1); try {/*}@ti*/
  /*@ti{*/__ti.loop("inner.loop", "otel.js", 16);/*}@ti*/
  for (let i = 0; i < x; i++) {
    /*@ti{*/__ti.tick("inner.loop");/*}@ti*/
  }
  if (x > 5) throw new Error("too big");
  return x + 1;
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function outer(x) {
  /*@ti{*/return await __ti.run("outer", "otel.js", 26, {x: x}, async () => {/*}@ti*/
  await new Promise((r) => setTimeout(r, 2));
  const r = inner(x);
  await tracer.startActiveSpan("program.child", async (s) => { await null; inner(1); s.end(); });
  try { inner(10); } catch (e) { /* expected */ }
  return r;
  /*@ti{*/});/*}@ti*/
}

tracer.startActiveSpan("program.root", async (root) => {
  const r = await outer(2);
  root.end();
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
    parent: s.parentSpanId || "", status: s.status.code, events: s.events.map((e) => e.name),
    attrs: s.attributes, scope: s.instrumentationLibrary ? s.instrumentationLibrary.name : "",
  }));
  console.log(JSON.stringify({ result: r, spans }));
});

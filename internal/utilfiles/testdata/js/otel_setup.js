// Loaded with --require before an instrumented program: the OpenTelemetry
// SDK with the HTTP instrumentation, as a service would set it up. The
// finished spans are written to $SPANS_OUT at exit.
const fs = require("fs");
const api = require("@opentelemetry/api");
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require("@opentelemetry/sdk-trace-base");
const { AsyncLocalStorageContextManager } = require("@opentelemetry/context-async-hooks");
const { registerInstrumentations } = require("@opentelemetry/instrumentation");
const { HttpInstrumentation } = require("@opentelemetry/instrumentation-http");

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation({ ignoreOutgoingRequestHook: () => true })] });

process.on("exit", () => {
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name, kind: s.kind, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId,
    parent: s.parentSpanId || "", scope: s.instrumentationLibrary.name, scopeVersion: s.instrumentationLibrary.version || "",
  }));
  fs.writeFileSync(process.env.SPANS_OUT, JSON.stringify(spans));
});

"""A program that already uses the OpenTelemetry SDK: our spans must join
its traces, nested under its active span and around its own child spans."""
import asyncio
import json

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__  # @telemetry-inject

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("program")


def inner(x):
    with __ti_span__("inner", "otel_prog.py", 19, ("x", x), True, False, True):  # @telemetry-inject
        __ti_loop__("inner.loop", "otel_prog.py", 21)  # @telemetry-inject
        for _ in range(x):
            __ti_tick__("inner.loop")  # @telemetry-inject
        with tracer.start_as_current_span("program.child"):
            pass
        if x > 5:
            raise ValueError("too big")
        return x + 1


async def outer(x):
    with __ti_span__("outer", "otel_prog.py", 31, ("x", x), True, False, True):  # @telemetry-inject
        await asyncio.sleep(0.001)
        try:
            inner(10)
        except ValueError:
            pass
        return inner(x)


with tracer.start_as_current_span("program.root"):
    result = asyncio.run(outer(2))

spans = [{"name": s.name, "traceId": "%032x" % s.context.trace_id, "spanId": "%016x" % s.context.span_id,
          "parent": "%016x" % s.parent.span_id if s.parent else "", "status": s.status.status_code.name,
          "events": [e.name for e in s.events], "attrs": dict(s.attributes or {}),
          "scope": s.instrumentation_scope.name if s.instrumentation_scope else ""}
         for s in exporter.get_finished_spans()]
print(json.dumps({"result": result, "spans": spans}))

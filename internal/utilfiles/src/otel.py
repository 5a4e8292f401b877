# Joining the program's own OpenTelemetry tracer, spliced into the runtime
# when it is built; kept apart so that each part reads in one sitting. The
# runtime never imports opentelemetry: it uses it when the program did.

def _otel_span(tracer, name, file, line, a, record_exc, gen, parent):  # pragma: no cover
    attrs = {"code.function.name": name, "code.file.path": file, "code.line.number": line}
    if a:
        for k, v in a.items():
            # The SDK logs a warning for a None attribute value.
            attrs[k] = "None" if v is None else v
    sp = _Span()
    sp.name, sp.file, sp.line, sp.attrs, sp.record, sp.current = name, file, line, None, record_exc, not gen
    sp.parent, sp.pgen, sp.local_root = parent, _PGEN, False
    sp.events = sp.error = sp.counts = sp.tok = sp.otel_tok = None
    sp.dropped_events = sp.end = sp.start = sp.trace_id = sp.span_id = sp.parent_id = 0
    sp.otel = tracer.start_span(name, attributes=attrs)
    sp.otel_ctx = _modules[_OTM].set_span_in_context(sp.otel) if not gen else None
    return sp


def _otel_tracer():  # pragma: no cover
    """Returns the program's OpenTelemetry tracer while it has set an SDK
    provider; looked up again whenever the provider changes."""
    global _TRACER, _PROVIDER
    try:
        trace = _modules[_OTM]
        # The global provider, read without calling anything: None until
        # the program sets one.
        provider = trace.__dict__.get("_TRACER_PROVIDER")
        if provider is None:
            provider = trace.get_tracer_provider()
        if provider is _PROVIDER:
            return _TRACER
        _PROVIDER = provider
        if type(provider).__name__ in ("ProxyTracerProvider", "NoOpTracerProvider"):
            _TRACER = None
        else:
            _TRACER = trace.get_tracer("telemetry-inject", _VERSION)
            if _cur is None:
                _configure_context()
    except Exception:
        _STATS["errors"] += 1
        _TRACER = None
    return _TRACER

# Ending spans off the common path, spliced into the runtime when it is
# built; kept apart so that each part reads in one sitting.

def _exit_slow(sp, t, v, tb):  # pragma: no cover
    """Ends a span that failed, counted iterations or belongs to the
    program's OpenTelemetry tracer."""
    try:
        if sp.otel_tok is not None:
            _modules["opentelemetry.context"].detach(sp.otel_tok)
            sp.otel_tok = sp.otel_ctx = None
        if t is not None and sp.record:
            _failed(sp, t, v, tb)
    finally:
        _end(sp)


def _end(sp):  # pragma: no cover
    if sp.counts:
        for k, n in sp.counts.items():
            if sp.otel is not None:
                sp.otel.set_attribute(k + ".iterations", n)
            else:
                if sp.attrs is None:
                    sp.attrs = {}
                sp.attrs[k + ".iterations"] = n
    if sp.otel is not None:
        sp.otel.end()
        return
    if sp.pgen != _PGEN:
        return
    sp.end = _time_ns()
    sp.parent = None
    _SINK.queue.append(sp)
    _SINK.added()
    if _CHILD and sp.local_root:
        _flush_child()


def _flush_child():  # pragma: no cover
    # A worker process may end without atexit (os._exit, a pool worker
    # terminated once its results are in): what it did is written before
    # the result leaves its local root span.
    sink = _SINK
    sink.flush(_mono() + int(sink.exit_timeout * 1e9))

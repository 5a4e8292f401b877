"""Runtime for code instrumented by telemetry-inject (do not edit: it is
rewritten on every run, and removed by ``telemetry-inject --remove``).

Standard library only, Python 3.8+. Where telemetry goes is decided at the
first instrumented call, in this order:

1. The program uses OpenTelemetry: ``opentelemetry.trace`` is already
   imported and a real SDK TracerProvider is set. Spans go through the
   program's global tracer and nest inside its traces. This runtime never
   imports opentelemetry itself; it looks again at later calls while no
   provider is set, so a provider configured after the first call is used.
2. ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` (used as is) or
   ``OTEL_EXPORTER_OTLP_ENDPOINT`` (``/v1/traces`` appended) is set: OTLP/HTTP
   JSON export from a background thread, batched, with a bounded queue. Also
   read: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED,
   OTEL_EXPORTER_OTLP_HEADERS / OTEL_EXPORTER_OTLP_TRACES_HEADERS,
   OTEL_EXPORTER_OTLP_TIMEOUT / OTEL_EXPORTER_OTLP_TRACES_TIMEOUT (ms).
3. ``TELEMETRY_INJECT_FILE`` names a file: one span per line, as JSON in the
   OTLP span shape, appended.
4. Nothing: every call costs next to nothing.

``OTEL_SDK_DISABLED=true`` turns 2 and 3 off. ``TELEMETRY_INJECT_EXIT_TIMEOUT``
(ms, default 1000) bounds how long the exit flush may delay the program.
``TELEMETRY_INJECT_DEBUG=1`` prints one line of counts to stderr at exit
(2 and 3 only); nothing else is ever printed.

The current span lives in a context variable, so spans nest across asyncio
tasks and into threads started with a copied context (asyncio.to_thread,
loop.run_in_executor, contextvars.copy_context().run); a plain
threading.Thread starts a new trace. A generator's span is current only
while the generator runs. A forked child gets its own exporter; the
exporter thread is stopped for the fork itself.
Telemetry code never raises, prints or warns; its own failures and dropped
spans are counted in ``_STATS``.
"""

import atexit as _atexit
import contextvars as _contextvars
import functools as _functools
import inspect as _inspect
import os as _os
import random as _random
import re as _re
import sys as _sys
import threading as _threading
import time as _time

__all__ = ["_ti_span", "_ti_loop", "_ti_tick", "_ti_var", "_ti_mark"]

_MAX = 256
_OTM = "opentelemetry.trace"
_modules = _sys.modules
_time_ns = _time.time_ns
_cur = _contextvars.ContextVar("telemetry_inject_span", default=None)
_rng = _random.Random()
_STATS = {"dropped": 0, "errors": 0, "exported": 0, "failed_exports": 0}

# _MODE: 0 not yet configured, 1 nothing configured, 2 own export.
_MODE = 0
_SINK = None
_TRACER = None

_SENSITIVE_WORDS = frozenset(
    "password passwords passwd pwd pw passphrase passcode secret secrets token tokens jwt bearer otp "
    "totp nonce key apikey privkey auth authn authz oauth authorization authorisation credential "
    "credentials cred creds cookie cookies session sessions sessionid sid ssn iban dob card cards "
    "creditcard cardnumber cvv cvc ccv pin salt hmac".split()
)
_SENSITIVE_FRAGMENTS = ("password", "passwd", "secret", "apikey", "accesskey", "privatekey",
                        "credential", "creditcard", "cardnumber", "socialsecurity", "authorization")
_SENSITIVE_CACHE = {}
_in_repr = _threading.local()
_WORDS = _re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def _sensitive(name):
    # Names come from the source, so the cache stays as small as the program.
    hit = _SENSITIVE_CACHE.get(name)
    if hit is None:
        hit = _SENSITIVE_CACHE[name] = _sensitive_uncached(name)
    return hit


def _sensitive_uncached(name):
    words = [w.lower() for w in _WORDS.findall(name)]
    if any(w in _SENSITIVE_WORDS for w in words):
        return True
    joined = "".join(words)
    return any(f in joined for f in _SENSITIVE_FRAGMENTS)


def _trunc(s):
    return s if len(s) <= _MAX else s[: _MAX - 3] + "..."


def _value(v):
    """Returns a str/bool/int/float copy of v: no reference to v is kept."""
    t = type(v)
    if t is bool or t is float:
        return v
    if t is int:
        return v if -(2 ** 63) <= v < 2 ** 63 else _trunc(str(v))
    if t is str:
        return _trunc(v)
    # repr() runs the program's code, which may itself be instrumented and
    # record objects: a repr inside a repr is not taken.
    if getattr(_in_repr, "on", False):
        return "<%s>" % t.__name__
    _in_repr.on = True
    try:
        import reprlib

        r = reprlib.Repr()
        r.maxstring = r.maxother = _MAX
        return _trunc(r.repr(v))
    except Exception:
        return "<unrepresentable %s>" % t.__name__
    finally:
        _in_repr.on = False


class _Span(object):
    # Ids stay integers and the code attributes stay fields until export:
    # formatting them is work the exporter thread does, not the caller.
    __slots__ = ("name", "file", "line", "trace_id", "span_id", "parent_id", "start", "end", "attrs",
                 "events", "error", "counts", "otel", "otel_ctx")

    def __init__(self, name, file, line, parent, attrs):
        self.name = name
        self.file = file
        self.line = line
        self.span_id = _rng.getrandbits(64) or 1
        if parent is not None:
            self.trace_id = parent.trace_id
            self.parent_id = parent.span_id
        else:
            self.trace_id = _rng.getrandbits(128) or 1
            self.parent_id = 0
        self.attrs = attrs
        self.events = None
        self.error = None
        self.counts = None
        self.otel = None
        self.otel_ctx = None
        self.end = 0
        self.start = _time_ns()

    def event(self, name, attrs):
        if self.otel is not None:
            self.otel.add_event(name, attrs)
            return
        if self.events is None:
            self.events = []
        self.events.append((name, _time_ns(), attrs))


def _configure():
    global _MODE, _SINK
    if _MODE:
        return
    env = _os.environ
    sink = None
    try:
        if env.get("OTEL_SDK_DISABLED", "").strip().lower() != "true":
            from_endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
            if from_endpoint or env.get("TELEMETRY_INJECT_FILE"):
                sink = _Exporter(env)
    except Exception:
        _STATS["errors"] += 1
        sink = None
    _SINK = sink
    _MODE = 2 if sink is not None else 1


def _otel_tracer():
    """Returns the program's OpenTelemetry tracer when it configured an SDK."""
    global _TRACER
    try:
        trace = _modules.get(_OTM)
        if trace is None:
            return None
        provider = trace.get_tracer_provider()
        if type(provider).__name__ in ("ProxyTracerProvider", "NoOpTracerProvider"):
            return None
        _TRACER = trace.get_tracer("telemetry-inject")
    except Exception:
        _STATS["errors"] += 1
        return None
    return _TRACER


def _start(name, file, line, attrs):
    """Starts a span (not yet current) or returns None when telemetry is off."""
    try:
        if _MODE == 0:
            _configure()
        tracer = _TRACER
        if tracer is None and _OTM in _modules:
            tracer = _otel_tracer()
        if tracer is None and _SINK is None:
            return None
        parent = _cur.get()
        if tracer is not None:
            a = {"code.function.name": name, "code.file.path": file, "code.line.number": line}
            if attrs:
                a.update(attrs)
            trace = _modules[_OTM]
            sp = _Span(name, file, line, parent, a)
            sp.otel = tracer.start_span(name, attributes=a)
            sp.otel_ctx = trace.set_span_in_context(sp.otel)
            return sp
        return _Span(name, file, line, parent, attrs)
    except Exception:
        _STATS["errors"] += 1
        return None


def _activate(sp):
    """Makes sp current; returns what _deactivate needs."""
    tok = _cur.set(sp)
    if sp.otel_ctx is None:
        return (tok, None)
    try:
        ctx = _modules["opentelemetry.context"]
        return (tok, ctx.attach(sp.otel_ctx))
    except Exception:
        _STATS["errors"] += 1
        return (tok, None)


def _deactivate(tokens):
    try:
        if tokens[1] is not None:
            _modules["opentelemetry.context"].detach(tokens[1])
        _cur.reset(tokens[0])
    except Exception:
        _STATS["errors"] += 1


def _fail(sp, exc):
    try:
        t = type(exc)
        try:
            msg = _trunc(str(exc))
        except Exception:
            msg = "<unprintable>"
        try:
            import traceback

            stack = "".join(traceback.format_exception(t, exc, exc.__traceback__))[-4096:]
        except Exception:
            stack = ""
        sp.error = msg
        attrs = {"exception.type": t.__module__ + "." + t.__qualname__ if t.__module__ != "builtins" else t.__qualname__,
                 "exception.message": msg, "exception.stacktrace": stack}
        sp.event("exception", attrs)
        if sp.otel is not None:
            trace = _modules[_OTM]
            sp.otel.set_status(trace.Status(trace.StatusCode.ERROR, msg))
    except Exception:
        _STATS["errors"] += 1


def _end(sp):
    try:
        if sp.counts:
            if sp.attrs is None:
                sp.attrs = {}
            for k, n in sp.counts.items():
                sp.attrs[k + ".iterations"] = n
                if sp.otel is not None:
                    sp.otel.set_attribute(k + ".iterations", n)
        if sp.otel is not None:
            sp.otel.end()
            return
        sp.end = _time_ns()
        sink = _SINK
        if sink is not None:
            sink.add(sp)
    except Exception:
        _STATS["errors"] += 1


# @@DECORATOR@@


def _event(event, file, line, extra=None):
    try:
        sp = _cur.get()
        if sp is None:
            return
        attrs = {"code.file.path": file, "code.line.number": line}
        if extra:
            attrs.update(extra)
        sp.event(event, attrs)
    except Exception:
        _STATS["errors"] += 1


def _ti_loop(event, file, line):
    """Adds a loop event to the current span."""
    if _MODE == 1 and _TRACER is None and _OTM not in _modules:
        return
    _event(event, file, line)


def _ti_tick(event):
    """Counts one loop iteration onto the current span."""
    sp = _cur.get()
    if sp is None:
        return
    try:
        c = sp.counts
        if c is None:
            sp.counts = {event: 1}
        else:
            c[event] = c.get(event, 0) + 1
    except Exception:
        _STATS["errors"] += 1


def _ti_var(key, value, file, line):
    """Adds an event with value's repr (truncated) to the current span."""
    if _cur.get() is None:
        return
    try:
        if _sensitive(key):
            return _event(key, file, line)
        return _event(key, file, line, {"value": _value(value)})
    except Exception:
        _STATS["errors"] += 1


def _ti_mark(key, file, line):
    """Adds an event without the value to the current span."""
    if _cur.get() is None:
        return
    _event(key, file, line)


def _before_fork():
    try:
        if _SINK is not None:
            _SINK.pause()
    except Exception:
        _STATS["errors"] += 1


def _after_fork_in_parent():
    try:
        if _SINK is not None:
            _SINK.resume()
    except Exception:
        _STATS["errors"] += 1


def _after_fork_in_child():
    # A forked worker must not share its parent's queue, thread or ids.
    try:
        _rng.seed()
        if _SINK is not None:
            _SINK.reset()
    except Exception:
        _STATS["errors"] += 1


def _at_exit():
    try:
        if _SINK is not None:
            _SINK.close()
            if _os.environ.get("TELEMETRY_INJECT_DEBUG"):
                _sys.stderr.write("telemetry-inject: exported=%(exported)d dropped=%(dropped)d errors=%(errors)d\n" % _STATS)
    except Exception:
        _STATS["errors"] += 1


if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                         after_in_child=_after_fork_in_child)
_atexit.register(_at_exit)

# @@EXPORTER@@

# fmt: off
# (black and ruff format leave the rest of this file alone: a reformatted
# runtime no longer matches its checksum, so it would be kept as yours.)
# Every top-level statement ends with "pragma: no cover": coverage.py then
# excludes the whole file (a def or class line takes its body along), so a
# project's coverage totals and fail-under threshold stay as they were.
"""Runtime for code instrumented by telemetry-inject (do not edit: it is
rewritten on every run, and removed by ``telemetry-inject --remove``).

Standard library only, CPython 3.8+. Importing this module imports nothing
but ``sys``; what it needs later is taken from ``sys.modules`` or imported at
the first instrumented call that has somewhere to send telemetry, and never
a module the program could be importing at that moment as its own copy.

Where telemetry goes is decided at the first instrumented call:

1. The program uses OpenTelemetry: ``opentelemetry.trace`` is imported and a
   real SDK TracerProvider is set. Spans go through the program's global
   tracer and nest inside its traces (looked at again while none is set).
2. ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` (as is) or
   ``OTEL_EXPORTER_OTLP_ENDPOINT`` (``/v1/traces`` appended): OTLP/HTTP JSON
   from a background thread, batched, with a bounded queue.
3. ``TELEMETRY_INJECT_FILE`` names a file: one span per line, as JSON in the
   OTLP span shape, appended.
4. Nothing: every call costs a global lookup and returns.

Instrumented functions use ``with __ti_span__(...):`` around their body: no
wrapper function, so no frame of ours is ever in the program's tracebacks.
The runtime never calls the program's code: parameters and variables are
recorded as their shape (exact builtin type name, and the length of exact
builtin containers), values only when the renderer opted in, and then only
exact numbers, booleans, None and short strings, redacted of secret shapes.
Telemetry code never raises, prints or warns; its own failures and drops
are counted in ``_STATS`` (``TELEMETRY_INJECT_DEBUG=1`` prints them at exit).
"""  # pragma: no cover

import sys as _sys  # pragma: no cover

__all__ = ["__ti_span__", "__ti_loop__", "__ti_tick__", "__ti_var__", "__ti_val__", "__ti_mark__"]  # pragma: no cover

_VERSION = "2.0.0"  # pragma: no cover
_OTM = "opentelemetry.trace"  # pragma: no cover
_modules = _sys.modules  # pragma: no cover
_STATS = {"exported": 0, "dropped": 0, "queue_full": 0, "rate_limited": 0, "unsampled": 0,  # pragma: no cover
          "events_dropped": 0, "attributes_dropped": 0, "failed_exports": 0, "errors": 0}

# _OFF: configured, and nothing to send to (the OpenTelemetry check still
# runs). _ON: configured with a destination or a program tracer.
_OFF = False  # pragma: no cover
_ON = False  # pragma: no cover
_SINK = None  # pragma: no cover
_TRACER = None  # pragma: no cover
_PROVIDER = None  # pragma: no cover
_cur = None  # pragma: no cover
# The thread running the garbage collector, None the rest of the time (see
# _gc_start).
_GC = None  # pragma: no cover
_time_ns = None  # pragma: no cover
# Fork generation: a span started before a fork belongs to the parent, which
# exports it; the child must not export its copy.
_PGEN = 0  # pragma: no cover
_CHILD = False  # pragma: no cover
_posix = _modules.get("posix") or _modules.get("nt")  # pragma: no cover
_IMPORT_PID = _posix.getpid() if _posix is not None else 0  # pragma: no cover


class _Noop(object):  # pragma: no cover
    """The context manager of every call while telemetry is off: one shared
    object, so an instrumented call allocates nothing."""

    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, t, v, tb):
        return None


try:  # pragma: no cover
    # None.__init__ is object.__init__ bound to None: a C function that
    # takes any arguments and returns None (NoneType has a __new__ of its
    # own, so object.__init__ lets extra arguments pass). As both methods it
    # spares every call made while telemetry is off two Python frames, over
    # half of what the with block costs then, and a frame less to overflow
    # near the recursion limit; returning None, it lets exceptions through.
    # Checked first, so that an interpreter that disagrees keeps the two
    # methods above.
    if None.__init__(None, None, None) is None:
        _Noop.__enter__ = _Noop.__exit__ = None.__init__
except Exception:  # pragma: no cover
    pass

_NOOP = _Noop()  # pragma: no cover


class _Mark(object):  # pragma: no cover
    """Stands as the current span under a span that is not recorded, so that
    its descendants are not recorded either (no exported span loses its
    parent)."""

    __slots__ = ("stat",)

    def __init__(self, stat):
        self.stat = stat


_UNSAMPLED = _Mark("unsampled")  # pragma: no cover
_DROPPED = _Mark("dropped")  # pragma: no cover


class _Skip(object):  # pragma: no cover
    """A span that is not recorded: its subtree is skipped with it."""

    __slots__ = ("mark", "tok")

    def __init__(self, mark):
        self.mark = mark
        self.tok = None

    def __enter__(self):
        try:
            self.tok = _cur.set(self.mark)
        except Exception:
            _STATS["errors"] += 1

    def __exit__(self, t, v, tb):
        try:
            if self.tok is not None:
                _reset(self.tok, None)
        except Exception:
            _STATS["errors"] += 1


def _reset(tok, parent):  # pragma: no cover
    try:
        _cur.reset(tok)
    except ValueError:
        # Exited in another context than entered (a generator resumed
        # elsewhere): put the parent back in this one.
        _cur.set(parent)


class _Span(object):  # pragma: no cover
    # Ids stay integers and the code attributes stay fields until export:
    # formatting them is work for the exporter thread, not the caller.
    __slots__ = ("name", "file", "line", "trace_id", "span_id", "parent_id", "parent", "start", "end",
                 "attrs", "events", "error", "counts", "otel", "otel_ctx", "tok", "otel_tok", "record",
                 "current", "pgen", "local_root", "dropped_events")

    def __enter__(self):
        if self.current:
            try:
                self.tok = _cur.set(self)
                if self.otel_ctx is not None:
                    self.otel_tok = _modules["opentelemetry.context"].attach(self.otel_ctx)
            except Exception:
                _STATS["errors"] += 1

    def __exit__(self, t, v, tb):
        # Returns None: the exception, if any, goes on unchanged, and nothing
        # here can add a frame to its traceback (everything is caught).
        try:
            tok = self.tok
            if tok is not None:
                self.tok = None
                try:
                    _cur.reset(tok)
                except ValueError:
                    # Exited in another context than entered (a generator
                    # resumed elsewhere): put the parent back in this one.
                    _cur.set(self.parent)
            if t is None and self.otel is None and not self.counts:
                # The common case, kept to the fewest calls.
                if self.pgen == _PGEN:
                    self.end = _time_ns()
                    self.parent = None
                    # Queued by a C call first: what follows may fail near
                    # the recursion limit, the span is in the queue anyway.
                    _SINK.queue.append(self)
                    _SINK.added()
                    if _CHILD and self.local_root:
                        _flush_child()
            else:
                _exit_slow(self, t, v, tb)
        except Exception:
            _STATS["errors"] += 1
        self.parent = None

    def event(self, name, file, line, extra):
        # Events stay tuples until export: (name, time, file, line, extra)
        # with extra None or one (key, value) pair.
        if self.otel is not None:
            attrs = {"code.file.path": file, "code.line.number": line}
            if extra is not None:
                # The SDK logs a warning for a None attribute value.
                attrs[extra[0]] = "None" if extra[1] is None else extra[1]
            self.otel.add_event(name, attrs)
            return
        ev = self.events
        if ev is None:
            ev = self.events = []
        if len(ev) < _LIMITS[1]:
            ev.append((name, _time_ns(), file, line, extra))
        else:
            self.dropped_events += 1
            _STATS["events_dropped"] += 1


def __ti_span__(name, file, line, attrs=(), record_exc=True, gen=False, values=False):  # pragma: no cover
    """Returns the context manager an instrumented function's body runs in."""
    if _OFF and _OTM not in _modules:
        return _NOOP
    try:
        return _open(name, file, line, attrs, record_exc, gen, values)
    except Exception:
        _STATS["errors"] += 1
        return _NOOP


def _open(name, file, line, attrs, record_exc, gen, values):  # pragma: no cover
    if not (_OFF or _ON):
        _configure()
    if _GC is not None and _GC == _thread.get_ident():
        # Code the collector runs (a finalizer, a weakref or gc callback)
        # gets no span: the collection may have started inside a
        # ContextVar.set of this thread's context, or while this thread
        # holds the queue's lock (see _gc_start).
        return _NOOP
    if _HOST is not None:
        return _HOST[1](name, file, line, attrs, record_exc, gen, values)
    tracer = _TRACER
    if _OTM in _modules:
        tracer = _otel_tracer()
    if tracer is None and _SINK is None:
        return _NOOP
    if not _LINKED and _link():
        # The program's tracer appeared after an earlier copy's did.
        return _HOST[1](name, file, line, attrs, record_exc, gen, values)
    if record_exc and values:
        # An exception's message is program data ("invalid literal for
        # int(): 'hunter2'"): only a span that records values records it.
        record_exc = 2
    parent = _cur.get()
    if parent is not None and parent.__class__ is _Mark:
        _STATS[parent.stat] += 1
        return _NOOP
    if tracer is not None:
        return _otel_span(tracer, name, file, line, _attrs(attrs, values) if attrs else None, record_exc, gen, parent)
    span_id = 0
    if parent is None and _RATIO is not None:
        # The sampler looks at the trace id's lower half: this span id.
        span_id = _new_id()
        if span_id >= _RATIO:
            _STATS["unsampled"] += 1
            return _NOOP if gen else _Skip(_UNSAMPLED)
    if _RATE:
        # The per-name budget, inlined: a hot function's calls mostly end
        # here, so this path is kept short.
        now = _mono()
        b = _BUCKETS.get(name)
        if b is None:
            b = _BUCKETS[name] = [_RATE, now]
        else:
            # A token bucket: _RATE tokens a second, at most _RATE saved.
            tokens = b[0] + (now - b[1]) * _RATE / 1e9
            b[0], b[1] = (tokens if tokens < _RATE else _RATE), now
        if b[0] < 1.0:
            _STATS["rate_limited"] += 1
            _STATS["dropped"] += 1
            return _NOOP if gen else _Skip(_DROPPED)
        b[0] -= 1.0
    # Every Python call comes before the queue slot is taken: near the
    # recursion limit any of them can raise, and a slot taken by a span that
    # never ends would be lost for good.
    if not span_id:
        span_id = _new_id()
    trace_id = _new_id() << 64 | span_id if parent is None else parent.trace_id
    a = _attrs(attrs, values) if attrs else None
    # The queue slot, taken with the lock's C methods.
    sink = _SINK
    lock = sink.lock
    lock.acquire()
    room = sink.used < sink.max_queue and not sink.closed
    if room:
        sink.used += 1
    lock.release()
    if not room:
        _STATS["queue_full"] += 1
        _STATS["dropped"] += 1
        return _NOOP if gen else _Skip(_DROPPED)
    sp = _Span()
    sp.name, sp.file, sp.line, sp.record, sp.current, sp.span_id = name, file, line, record_exc, not gen, span_id
    sp.attrs, sp.trace_id = a, trace_id
    if parent is None:
        sp.parent_id, sp.local_root = 0, True
    else:
        sp.parent_id, sp.local_root = parent.span_id, parent.pgen != _PGEN
    sp.parent, sp.pgen = parent, _PGEN
    sp.events = sp.error = sp.counts = sp.otel = sp.otel_ctx = sp.tok = sp.otel_tok = None
    sp.dropped_events = sp.end = 0
    sp.start = _time_ns()
    return sp


def __ti_loop__(name, file, line):  # pragma: no cover
    """Adds a loop event to the current span."""
    if _OFF and _OTM not in _modules:
        return
    if _HOST is not None:
        return _HOST[2](name, file, line)
    _event(name, file, line, None)


def __ti_tick__(name):  # pragma: no cover
    """Counts one loop iteration onto the current span (an attribute
    NAME.iterations when the span ends)."""
    if _OFF and _OTM not in _modules:
        return
    if _HOST is not None:
        return _HOST[3](name)
    try:
        sp = _cur.get() if _cur is not None else None
        if sp is None or sp.__class__ is _Mark:
            return
        c = sp.counts
        if c is None:
            sp.counts = {name: 1}
        else:
            c[name] = c.get(name, 0) + 1
    except Exception:
        _STATS["errors"] += 1


def __ti_var__(key, value, file, line):  # pragma: no cover
    """Adds an event with the shape of value (never the value)."""
    if _OFF and _OTM not in _modules:
        return
    if _HOST is not None:
        return _HOST[4](key, value, file, line)
    try:
        _event(key, file, line, None if _sensitive(key) else ("shape", _shape(value)))
    except Exception:
        _STATS["errors"] += 1


def __ti_val__(key, value, file, line):  # pragma: no cover
    """Adds an event with value when it is an exact number, boolean, None or
    short string (redacted), else its shape. Rendered only when values are
    opted in."""
    if _OFF and _OTM not in _modules:
        return
    if _HOST is not None:
        return _HOST[5](key, value, file, line)
    try:
        _event(key, file, line, None if _sensitive(key) else _value_pair(value))
    except Exception:
        _STATS["errors"] += 1


def __ti_mark__(key, file, line):  # pragma: no cover
    """Adds an event without value or shape."""
    if _OFF and _OTM not in _modules:
        return
    if _HOST is not None:
        return _HOST[6](key, file, line)
    _event(key, file, line, None)


def _event(name, file, line, extra):  # pragma: no cover
    try:
        sp = _cur.get() if _cur is not None else None
        if sp is None or sp.__class__ is _Mark:
            return
        sp.event(name, file, line, extra)
    except Exception:
        _STATS["errors"] += 1


# The names code instrumented by earlier versions of the tool binds (at
# module level, where dir() skipping dunders still saw them): a file of the
# program instrumented then and left out of every run since imports them
# from this copy.
_ti_span, _ti_loop, _ti_tick, _ti_var, _ti_val, _ti_mark = __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # pragma: no cover

# The six functions in the order the one-line import of a module in this
# folder unpacks them: it is a single assignment from __import__, written
# into a line the module already has, so that no line below it moves.
__ti_all__ = (__ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__)  # pragma: no cover

# @@ENDING@@

# @@SHARE@@

# @@OTEL@@

# @@CONFIG@@

# @@VALUES@@

# @@EXPORTER@@

# Configuration, ids, sampling, admission and process life, spliced into
# the runtime when it is built; kept apart so that each part reads in one
# sitting.

_thread = _modules["_thread"]  # pragma: no cover
# Reentrant, with _CONFIGURING: see _configure.
_CFG_LOCK = _thread.RLock()  # pragma: no cover
_CONFIGURING = False  # pragma: no cover
# [attribute count, event count, attribute value length (0: none)], the
# OpenTelemetry defaults until OTEL_* variables say otherwise.
_LIMITS = [128, 128, 0]  # pragma: no cover
_RATE = 100.0  # pragma: no cover
_BUCKETS = {}  # pragma: no cover
_RATIO = None  # None: always on; else the trace-id bound a sampled trace is under  # pragma: no cover
_MASK = (1 << 64) - 1  # pragma: no cover
_ids = [None, 0]  # [counter, per-process random base]  # pragma: no cover
_mono = None  # pragma: no cover
_os = None  # pragma: no cover
_EXC_CODES = set()  # pragma: no cover
_GC_CALLBACKS = []  # [the collector's callbacks list] once ours are in it  # pragma: no cover


def _configure():  # pragma: no cover
    """Configures the runtime once. A trace or profile function of the
    program's, instrumented, is called back by the configuration's own lines
    and C calls on this thread, and its span comes back here: that call finds
    the lock held by its own thread and returns unconfigured (no span)
    instead of waiting for itself for ever. The flag is set before the
    state is read, so a call back before it configures the runtime whole."""
    global _CONFIGURING
    with _CFG_LOCK:
        if _CONFIGURING:
            return
        _CONFIGURING = True
        try:
            if not (_OFF or _ON):
                _configure_now()
        finally:
            _CONFIGURING = False


def _configure_now():  # pragma: no cover
    global _OFF, _ON, _SINK, _os, _time_ns, _mono, _CHILD, _RATE, _RATIO
    sink = None
    try:
        env = _environ()
        if env.get("OTEL_SDK_DISABLED", "").strip().lower() != "true":
            url = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
            if (url or env.get("TELEMETRY_INJECT_FILE")) and _link():
                # An earlier copy exports for the whole process.
                _ON, _OFF = True, False
                return
            if (url or env.get("TELEMETRY_INJECT_FILE")) and _sampling(env):
                _limits(env)
                _RATE = _env_num(env, "TELEMETRY_INJECT_SPANS_PER_SECOND",
                                 _env_num(env, "TELEMETRY_INJECT_SPAN_RATE_LIMIT", 100.0))
                _os = _modules.get("os")
                if _os is None:
                    import os as _os
                _CHILD = _is_child()
                _configure_context()
                sink = _Exporter(env)
                _start_process_hooks()
    except Exception:
        _STATS["errors"] += 1
        sink = None
    _SINK = sink
    _ON = sink is not None
    _OFF = not _ON


def _environ():  # pragma: no cover
    """The environment: os.environ when os is loaded (it sees the program's
    changes), else what the interpreter started with, without importing os
    for a run that has nothing to export."""
    os = _modules.get("os")
    if os is not None:
        return os.environ
    env = {}
    for k, v in getattr(_posix, "environ", {}).items():
        if type(k) is bytes:
            k, v = k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape")
        if k.startswith(("OTEL_", "TELEMETRY_INJECT_")):
            env[k] = v
    return env


def _configure_context():  # pragma: no cover
    global _cur
    if _cur is None:
        # The C module behind contextvars: never a copy of the program's.
        import _contextvars

        _cur = _contextvars.ContextVar("telemetry_inject_span", default=None)
        loaded = "gc" in _modules
        import gc  # a builtin module

        if not loaded:
            # Out of the program's sight; its own import makes a module
            # with the same list.
            _modules.pop("gc", None)
        # The list the collector calls (rebinding gc.callbacks does not
        # change it): the start first and the stop last, around the
        # program's own callbacks (_gc_start keeps _gc_stop last).
        _GC_CALLBACKS[:] = [gc.callbacks]
        gc.callbacks.insert(0, _gc_start)
        gc.callbacks.append(_gc_stop)
    if _time_ns is None:
        _init_clock()
    if not _ids[1]:
        _reseed()


def _gc_start(phase, info):  # pragma: no cover
    """Notes which thread is collecting garbage. Before 3.12 the collector
    runs inside any allocation, such as the ones ContextVar.set and
    contextvars.copy_context make while they hold the context's variables
    without a reference of their own: a finalizer, weakref callback or gc
    callback that sets a variable of that context then frees what they are
    reading (CPython gh-148891; the interpreter crashes). On every version
    the collector can start while this thread holds the exporter's lock,
    which a span takes (a deadlock). So no span is opened while this thread
    collects."""
    global _GC
    if phase != "start":
        return
    try:
        _GC = _thread.get_ident()
        # The gc module walks its list by index and allows changes: a
        # callback the program appended after ours still ends inside.
        cbs = _GC_CALLBACKS[0]
        if cbs[-1] is not _gc_stop:
            if _gc_stop in cbs:
                cbs.remove(_gc_stop)
            cbs.append(_gc_stop)
    except Exception:
        # At interpreter exit this module's globals may be gone already.
        pass


def _gc_stop(phase, info):  # pragma: no cover
    global _GC
    if phase == "stop":
        _GC = None


def _init_clock():  # pragma: no cover
    global _time_ns, _mono
    time = _modules.get("time")
    if time is None:
        import time
    _time_ns, _mono = time.time_ns, time.monotonic_ns


def _env_num(env, name, default):  # pragma: no cover
    try:
        v = float(env.get(name) or default)
        return v if v >= 0 else default
    except ValueError:
        return default


def _limits(env):  # pragma: no cover
    _LIMITS[0] = int(_env_num(env, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", _env_num(env, "OTEL_ATTRIBUTE_COUNT_LIMIT", 128)))
    _LIMITS[1] = int(_env_num(env, "OTEL_SPAN_EVENT_COUNT_LIMIT", 128))
    _LIMITS[2] = int(_env_num(env, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                              _env_num(env, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0)))


def _sampling(env):  # pragma: no cover
    """Reads OTEL_TRACES_SAMPLER; returns False when nothing is ever sampled.
    Our spans have no remote parent, so parentbased_X decides the root as X
    and every child as its parent: the same as X on the trace id."""
    global _RATIO
    name = env.get("OTEL_TRACES_SAMPLER", "parentbased_always_on").strip().lower()
    if name.startswith("parentbased_"):
        name = name[len("parentbased_"):]
    if name == "always_off":
        return False
    if name == "traceidratio":
        ratio = _env_num(env, "OTEL_TRACES_SAMPLER_ARG", 1.0)
        if ratio < 1.0:
            _RATIO = int(ratio * (1 << 64))
    return True


def _sampled(trace_id):  # pragma: no cover
    # The lower 64 bits of the trace id, as the OpenTelemetry SDKs compare.
    return _RATIO is None or (trace_id & _MASK) < _RATIO


def _reseed():  # pragma: no cover
    import itertools  # a builtin module

    _ids[0] = itertools.count(1)
    _ids[1] = int.from_bytes(_os.urandom(8), "little") | 1 if _os is not None else 0x9E3779B97F4A7C15


def _new_id():  # pragma: no cover
    """A 64-bit id: a Weyl sequence from a random per-process base (unique
    for 2**64 ids), its high half folded into the low one so that every bit
    varies. No random module (the program may be importing its own copy),
    and no system call per span; next() on itertools.count is atomic, so
    threads never share an id."""
    z = (_ids[1] + next(_ids[0]) * 0x9E3779B97F4A7C15) & _MASK
    return (z ^ (z >> 29)) or 1


def _is_child():  # pragma: no cover
    """True in a process that may end without running atexit: forked after
    this module was imported, or started by multiprocessing (spawn marks
    its children's command line; _bootstrap sets _parent_process). Not
    "__mp_main__" in sys.modules: importing multiprocessing sets that in
    the parent too."""
    if _os is not None and _IMPORT_PID and _os.getpid() != _IMPORT_PID:
        return True
    if "--multiprocessing-fork" in getattr(_sys, "argv", ()):
        return True
    mp = _modules.get("multiprocessing.process")
    return mp is not None and mp.__dict__.get("_parent_process") is not None


def _start_process_hooks():  # pragma: no cover
    import atexit  # a builtin module

    atexit.register(_at_exit)
    if hasattr(_os, "register_at_fork"):
        _os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                             after_in_child=_after_fork_in_child)


def _before_fork():  # pragma: no cover
    try:
        if _SINK is not None:
            _SINK.pause()
    except Exception:
        _STATS["errors"] += 1


def _after_fork_in_parent():  # pragma: no cover
    try:
        if _SINK is not None:
            _SINK.resume()
    except Exception:
        _STATS["errors"] += 1


def _after_fork_in_child():  # pragma: no cover
    # A forked process must not share its parent's queue, thread or ids,
    # nor export its copies of the spans its parent had open.
    global _PGEN, _CHILD, _CFG_LOCK, _CONFIGURING
    try:
        _PGEN += 1
        _CHILD = True
        _CFG_LOCK = _thread.RLock()
        _CONFIGURING = False
        _reseed()
        for k in _STATS:
            _STATS[k] = 0
        if _SINK is not None:
            _SINK.reset()
    except Exception:
        _STATS["errors"] += 1


def _at_exit():  # pragma: no cover
    try:
        if _SINK is not None:
            _SINK.close()
            if _os.environ.get("TELEMETRY_INJECT_DEBUG"):
                _sys.stderr.write("telemetry-inject: exported=%(exported)d dropped=%(dropped)d (queue_full=%(queue_full)d "
                                  "rate_limited=%(rate_limited)d failed_exports=%(failed_exports)d) unsampled=%(unsampled)d "
                                  "events_over_limit=%(events_dropped)d attributes_over_limit=%(attributes_dropped)d errors=%(errors)d\n" % _STATS)
                _sys.stderr.flush()
    except Exception:
        _STATS["errors"] += 1

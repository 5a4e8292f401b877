
# The decorator below is spliced into the runtime when it is built; it is
# kept in its own source file so that each part reads in one sitting.

def _reader(fn, names):
    """Returns a function reading the named parameters from a call's
    arguments: positions are worked out once, not per call."""
    try:
        params = list(_inspect.signature(fn).parameters.values())
    except Exception:
        return None
    plan = []
    for n in names:
        if not isinstance(n, str) or _sensitive(n):
            continue
        for i, p in enumerate(params):
            if p.name != n or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            pos = i if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) else -1
            kw = p.kind != p.POSITIONAL_ONLY
            plan.append((n, pos, kw, p.default))
    if not plan:
        return None
    empty = _inspect.Parameter.empty

    def read(args, kwargs):
        out = {}
        for n, pos, kw, default in plan:
            if kw and n in kwargs:
                v = kwargs[n]
            elif 0 <= pos < len(args):
                v = args[pos]
            elif default is not empty:
                v = default
            else:
                continue
            out[n] = _value(v)
        return out

    return read


def _ti_span(name, file, line, params=(), record_exceptions=True):
    """Returns a decorator that runs the function inside a span."""

    def decorate(fn):
        try:
            return _wrap(fn, name, file, line, params, record_exceptions)
        except Exception:
            _STATS["errors"] += 1
            return fn

    return decorate


def _wrap(fn, name, file, line, params, record):
    read = _reader(fn, params)

    def begin(args, kwargs):
        attrs = None
        if read is not None:
            try:
                attrs = read(args, kwargs)
            except Exception:
                _STATS["errors"] += 1
        return _start(name, file, line, attrs)

    if _inspect.isasyncgenfunction(fn):
        return _functools.wraps(fn)(_agen_wrapper(fn, begin, record))
    if _inspect.isgeneratorfunction(fn):
        return _functools.wraps(fn)(_gen_wrapper(fn, begin, record))
    if _inspect.iscoroutinefunction(fn):

        async def async_wrapper(*args, **kwargs):
            if _MODE == 1 and _TRACER is None and _OTM not in _modules:
                return await fn(*args, **kwargs)
            sp = begin(args, kwargs)
            if sp is None:
                return await fn(*args, **kwargs)
            toks = _activate(sp)
            try:
                return await fn(*args, **kwargs)
            except BaseException as e:
                if record and not isinstance(e, GeneratorExit):
                    _fail(sp, e)
                raise
            finally:
                _deactivate(toks)
                _end(sp)

        return _functools.wraps(fn)(async_wrapper)

    def wrapper(*args, **kwargs):
        if _MODE == 1 and _TRACER is None and _OTM not in _modules:
            return fn(*args, **kwargs)
        sp = begin(args, kwargs)
        if sp is None:
            return fn(*args, **kwargs)
        toks = _activate(sp)
        try:
            return fn(*args, **kwargs)
        except BaseException as e:
            if record:
                _fail(sp, e)
            raise
        finally:
            _deactivate(toks)
            _end(sp)

    return _functools.wraps(fn)(wrapper)


def _gen_wrapper(fn, begin, record):
    # The generator runs with its span current only while it runs: between
    # yields the consumer's own span is current again.
    def gen_wrapper(*args, **kwargs):
        off = _MODE == 1 and _TRACER is None and _OTM not in _modules
        sp = None if off else begin(args, kwargs)
        gen = fn(*args, **kwargs)
        if sp is None:
            return (yield from gen)
        send, exc = None, None
        try:
            while True:
                toks = _activate(sp)
                try:
                    if exc is None:
                        out = gen.send(send)
                    else:
                        e, exc = exc, None
                        out = gen.throw(e)
                except StopIteration as stop:
                    return stop.value
                finally:
                    _deactivate(toks)
                try:
                    send = yield out
                except GeneratorExit:
                    gen.close()
                    raise
                except BaseException as e:
                    exc, send = e, None
        except GeneratorExit:
            raise
        except BaseException as e:
            if record:
                _fail(sp, e)
            raise
        finally:
            _end(sp)

    return gen_wrapper


def _agen_wrapper(fn, begin, record):
    async def agen_wrapper(*args, **kwargs):
        off = _MODE == 1 and _TRACER is None and _OTM not in _modules
        sp = None if off else begin(args, kwargs)
        agen = fn(*args, **kwargs)
        send, exc = None, None
        try:
            while True:
                toks = _activate(sp) if sp is not None else None
                try:
                    if exc is None:
                        out = await agen.asend(send)
                    else:
                        e, exc = exc, None
                        out = await agen.athrow(e)
                except StopAsyncIteration:
                    return
                finally:
                    if toks is not None:
                        _deactivate(toks)
                try:
                    send = yield out
                except GeneratorExit:
                    await agen.aclose()
                    raise
                except BaseException as e:
                    exc, send = e, None
        except GeneratorExit:
            raise
        except BaseException as e:
            if record and sp is not None:
                _fail(sp, e)
            raise
        finally:
            if sp is not None:
                _end(sp)

    return agen_wrapper

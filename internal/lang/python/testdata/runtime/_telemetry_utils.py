"""A test stand-in for the telemetry runtime: the five injected functions,
doing nothing the program could notice. Decorated functions stay what they
were (sync, async, generator, async generator) and keep their metadata.
"""
import functools
import inspect

__all__ = ["_ti_span", "_ti_loop", "_ti_tick", "_ti_var", "_ti_mark"]


def _ti_span(name, file, line, attrs, record_exceptions):
    def decorate(fn):
        if inspect.isasyncgenfunction(fn):
            @functools.wraps(fn)
            async def agen_wrapper(*args, **kwargs):
                async for item in fn(*args, **kwargs):
                    yield item
            return agen_wrapper
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                return (yield from fn(*args, **kwargs))
            return gen_wrapper
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args, **kwargs):
                return await fn(*args, **kwargs)
            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def _ti_loop(event, file, line):
    pass


def _ti_tick(event):
    pass


def _ti_var(key, value, file, line):
    pass


def _ti_mark(key, file, line):
    pass

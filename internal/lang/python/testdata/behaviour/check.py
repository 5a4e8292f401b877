"""Observes what a program can see of the functions in subject.py and
prints it as JSON, one key per check. The Go test runs it against the
original and against the instrumented copy and compares the answers."""
import asyncio
import doctest
import inspect
import json
import os
import pickle
import sys
import traceback

before = set(sys.modules)
import subject  # noqa: E402
added = sorted(set(sys.modules) - before - {"subject", "_telemetry_utils"})

out = {}


def check(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # the answer is the exception, compared too
        out[name] = "raised %s: %s" % (type(e).__name__, e)


def runtime_frames(tb):
    return [f.name for f in traceback.extract_tb(tb) if "_telemetry_utils" in f.filename]


check("modules_added_by_import", lambda: added)
check("code_registration_is_the_running_code", lambda: subject.hidden_raiser.__code__ in subject.HIDDEN)
check("code_registration_hides_frames", subject.call_hidden)
check("caller_frame", subject.call_caller)


def failing():
    try:
        subject.failing_deep()
    except KeyError as e:
        return e.__traceback__
    return None


check("traceback_function_names", lambda: [f.name for f in traceback.extract_tb(failing())])
check("traceback_runtime_frames", lambda: runtime_frames(failing()))


def max_depth():
    sys.setrecursionlimit(3000)
    lo, hi = 0, 6000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            subject.recurse(mid)
            lo = mid
        except RecursionError:
            hi = mid - 1
    return lo


check("recursion_depth", max_depth)


def recursion_error_frames():
    try:
        subject.recurse(100000)
    except RecursionError as e:
        return runtime_frames(e.__traceback__)
    return None


check("recursion_traceback_runtime_frames", recursion_error_frames)

check("pickle_function_by_reference", lambda: pickle.loads(pickle.dumps(subject.add)) is subject.add)
check("pickle_bytes", lambda: pickle.dumps([subject.add, subject.Shape.scale, subject.gen], 4).hex())
check("pickle_instance", lambda: pickle.loads(pickle.dumps(subject.Point(-3))).norm())


def cloudpickle_checks():
    if os.path.isdir("/usr/lib/python3/dist-packages"):
        sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import cloudpickle
    except ImportError:
        return "cloudpickle not importable"
    Dyn = subject.make_dynamic()
    obj = pickle.loads(cloudpickle.dumps(Dyn(21)))
    by_value = obj.method()
    cloudpickle.register_pickle_by_value(subject)
    try:
        add = pickle.loads(cloudpickle.dumps(subject.add))
        gen = pickle.loads(cloudpickle.dumps(subject.gen))
        return [by_value, add(1, c=3), list(gen(3)), add is subject.add, add.__name__, add.__doc__]
    finally:
        cloudpickle.unregister_pickle_by_value(subject)


check("cloudpickle_by_value", cloudpickle_checks)

FUNCS = ["hidden_raiser", "call_hidden", "recurse", "add", "caller_name", "failing_deep", "describe",
         "_describe_str", "gen", "coro", "agen", "doctested", "make_dynamic"]
for name in FUNCS:
    f = getattr(subject, name)
    check("introspection_" + name, lambda f=f: [
        str(inspect.signature(f)), f.__name__, f.__qualname__, f.__doc__, f.__module__,
        hasattr(f, "__wrapped__"), f.__code__.co_varnames, f.__code__.co_argcount,
        f.__code__.co_kwonlyargcount, sorted(f.__dict__), f.__defaults__, f.__kwdefaults__,
    ])

check("generator_kinds", lambda: [
    [inspect.isgeneratorfunction(getattr(subject, n)), inspect.iscoroutinefunction(getattr(subject, n)),
     inspect.isasyncgenfunction(getattr(subject, n))] for n in ("gen", "coro", "agen", "add")])
check("generator_values", lambda: [list(subject.gen(4)), type(subject.gen(1)).__name__])
check("coroutine_value", lambda: asyncio.run(subject.coro(5)))


async def collect():
    return [i async for i in subject.agen(3)]


check("async_generator_values", lambda: asyncio.run(collect()))
check("property", lambda: [subject.Shape(3).area, subject.Shape.area.__doc__, type(subject.Shape.__dict__["area"]).__name__])
check("classmethod", lambda: [subject.Shape.unit().w, type(subject.Shape.__dict__["unit"]).__name__,
                              str(inspect.signature(subject.Shape.unit))])
check("staticmethod", lambda: [subject.Shape.scale(3), type(subject.Shape.__dict__["scale"]).__name__,
                               str(inspect.signature(subject.Shape.scale))])
check("abstractmethod", lambda: [sorted(subject.Base.__abstractmethods__), subject.Base.run.__isabstractmethod__,
                                 subject.Impl().run()])
check("abstract_instantiation", lambda: subject.Base())
check("singledispatch", lambda: [subject.describe(1), subject.describe("s"), subject.describe(1.5),
                                 sorted(t.__name__ for t in subject.describe.registry)])
check("doctests", lambda: list(doctest.testmod(subject, verbose=False)))
check("error_message", lambda: subject.hidden_raiser(7))

print(json.dumps(out, sort_keys=True, indent=1))

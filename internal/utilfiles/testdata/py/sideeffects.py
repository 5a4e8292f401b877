"""Objects whose dunder methods have side effects, passed through every
kind of instrumented call: the runtime must never run them (issue 11), so
the log of what ran is the same with telemetry off, on, and absent."""
import gc
import sys
import weakref
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject

LOG = []


class Loud:
    def __repr__(self):
        LOG.append("repr")
        return "Loud()"

    def __str__(self):
        LOG.append("str")
        return "loud"

    def __len__(self):
        LOG.append("len")
        return 3

    def __bool__(self):
        LOG.append("bool")
        return True

    def __eq__(self, other):
        LOG.append("eq")
        return False

    def __hash__(self):
        LOG.append("hash")
        return 1

    def __iter__(self):
        LOG.append("iter")
        return iter(())

    def __getattr__(self, name):
        LOG.append("getattr " + name)
        raise AttributeError(name)

    def __format__(self, spec):
        LOG.append("format")
        return "loud"


class Meta(type):
    def __hash__(cls):
        LOG.append("meta hash")
        return 1

    def __eq__(cls, other):
        LOG.append("meta eq")
        return cls is other

    def __repr__(cls):
        LOG.append("meta repr")
        return "Meta"

    def __getattribute__(cls, name):
        if name in ("__name__", "__qualname__", "__module__", "__mro__", "__dict__", "args"):
            LOG.append("meta getattribute " + name)
        return type.__getattribute__(cls, name)


class Strange(metaclass=Meta):
    pass


class LoudList(list):
    def __len__(self):
        LOG.append("list len")
        return 0

    def __repr__(self):
        LOG.append("list repr")
        return "[]"


class LoudStr(str):
    def __len__(self):
        LOG.append("str len")
        return 0


class LoudError(Exception):
    def __str__(self):
        LOG.append("error str")
        return "loud error"

    def __repr__(self):
        LOG.append("error repr")
        return "LoudError()"


def drain():
    LOG.append("generator ran")
    yield 1


def take(a, b, c, d, e):
    with __ti_span__("take", "sideeffects.py", 100, ("a", a, "b", b, "c", c, "d", d, "e", e), True):  # @telemetry-inject
        __ti_var__("a", a, "sideeffects.py", 101)  # @telemetry-inject
        __ti_val__("b", b, "sideeffects.py", 102)  # @telemetry-inject
        __ti_val__("c", c, "sideeffects.py", 103)  # @telemetry-inject
        __ti_var__("d", d, "sideeffects.py", 104)  # @telemetry-inject
        __ti_val__("e", e, "sideeffects.py", 105)  # @telemetry-inject
        return 1


def take_values(a, b, c, d, e):
    with __ti_span__("take_values", "sideeffects.py", 109, ("a", a, "b", b, "c", c, "d", d, "e", e), True, False, True):  # @telemetry-inject
        return take(a, b, c, d, e)


def fail(exc):
    with __ti_span__("fail", "sideeffects.py", 114, ("exc", exc), True, False, True):  # @telemetry-inject
        raise exc


def outer_fail(exc):
    with __ti_span__("outer_fail", "sideeffects.py", 119, (), True):  # @telemetry-inject
        fail(exc)


def main():
    with __ti_span__("main", "sideeffects.py", 124, (), True):  # @telemetry-inject
        loud = Loud()
        ref = weakref.ref(loud)
        gen = drain()
        args = (loud, Strange(), LoudList([1, 2]), LoudStr("secret"), gen)
        print(take_values(*args), take(*args), take_values(Strange, Meta, int, 5, "ok"))
        for exc in (LoudError(), ValueError(Loud()), KeyError(Loud()), LoudError(Loud())):
            try:
                outer_fail(exc)
            except BaseException as e:
                print("caught", type(e).__name__, e is exc)
            del exc
        del loud, args
        gc.collect()
        print("collected", ref() is None)
        print("generator untouched", LOG.count("generator ran") == 0)


main()
print("log", LOG)
sys.exit(0)

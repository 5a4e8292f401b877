"""The subject of the behaviour check (issue 9, point 3): every function
here gets a span, and check.py compares what the program can see of them
with the original's."""
import abc
import functools
import sys

HIDDEN = set()


def hide(f):
    """Registers the code object of f: frames running it are hidden from
    the tracebacks call_hidden reports, as pytest's __tracebackhide__ or
    a framework's internal-frame set do."""
    HIDDEN.add(f.__code__)
    return f


@hide
def hidden_raiser(n):
    """Raises for a true n."""
    if n:
        raise ValueError("boom %d" % n)
    return n


def call_hidden():
    try:
        hidden_raiser(3)
    except ValueError as e:
        tb = e.__traceback__
        names = []
        while tb is not None:
            if tb.tb_frame.f_code not in HIDDEN:
                names.append(tb.tb_frame.f_code.co_name)
            tb = tb.tb_next
        return names
    return None


def recurse(n):
    if n == 0:
        return 0
    return 1 + recurse(n - 1)


def add(a, b=2, *args, c, **kw):
    """Adds."""
    total = a + b + c
    return total


def caller_name():
    return sys._getframe(1).f_code.co_name


def call_caller():
    return caller_name()


def failing_deep():
    def inner(k):
        raise KeyError(k)
    inner("k")


class Shape:
    """A shape."""

    def __init__(self, w):
        self.w = w

    @property
    def area(self):
        """The area."""
        return self.w * self.w

    @classmethod
    def unit(cls):
        return cls(1)

    @staticmethod
    def scale(x, k=2):
        return x * k


class Base(abc.ABC):
    @abc.abstractmethod
    def run(self):
        """Runs."""
        return getattr(self, "default", None)


class Impl(Base):
    def run(self):
        return super().run() or "impl"


@functools.singledispatch
def describe(x):
    return "thing"


@describe.register
def _(x: int):
    return "int"


@describe.register(str)
def _describe_str(x):
    return "str"


def gen(n):
    for i in range(n):
        yield i


async def coro(x):
    return x


async def agen(n):
    for i in range(n):
        yield i


def doctested(x):
    """Doubles x.

    >>> doctested(2)
    4
    >>> doctested('ab')
    'abab'
    """
    return 2 * x


class Point:
    """Pickled by reference."""

    def __init__(self, x):
        self.x = x

    def norm(self):
        return abs(self.x)


def make_dynamic():
    """A class created at run time whose methods are closures: cloudpickle
    ships such objects by value, as Dask, Ray and PySpark do."""
    factor = 2

    def method(self):
        return self.v * factor

    def __init__(self, v):
        self.v = v
    return type("Dyn", (), {"__init__": __init__, "method": method})

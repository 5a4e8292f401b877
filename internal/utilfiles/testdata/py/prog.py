"""An instrumented program, written as telemetry-inject renders it
(docs/injected-code.md): sync, generators, async, async generators, classes,
exceptions, threads and asyncio tasks. Its output must not depend on
whether telemetry is on."""
import asyncio
import contextvars
import gc
import inspect
import sys
import threading
import weakref
from _telemetry_utils import _ti_span, _ti_loop, _ti_tick, _ti_var, _ti_mark  # @telemetry-inject


class Box:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Box(%r)" % (self.v,)


@_ti_span("add", "prog.py", 22, ("a", "b"), True)  # @telemetry-inject
def add(a, b):
    total = a + b
    _ti_var("total", total, "prog.py", 24)  # @telemetry-inject
    return total


@_ti_span("outer", "prog.py", 28, ("n", "password"), True)  # @telemetry-inject
def outer(n, password="hunter2"):
    s = 0
    _ti_loop("outer.loop", "prog.py", 31)  # @telemetry-inject
    for i in range(n):
        _ti_tick("outer.loop")  # @telemetry-inject
        s = add(s, i)
    api_token = "tok-%d" % s
    _ti_mark("api_token", "prog.py", 35)  # @telemetry-inject
    _ti_var("api_token", api_token, "prog.py", 35)  # @telemetry-inject
    return s


@_ti_span("gen", "prog.py", 40, ("n",), True)  # @telemetry-inject
def gen(n):
    for i in range(n):
        got = yield add(i, 100)
        if got is not None:
            print("gen got", got)
    return "gen done"


@_ti_span("boom", "prog.py", 48, (), True)  # @telemetry-inject
def boom():
    raise ValueError("bad thing")


class Shop:
    @_ti_span("Shop.price", "prog.py", 54, ("self", "item"), True)  # @telemetry-inject
    def price(self, item, qty=1):
        long_text = "x" * 1000
        _ti_var("long_text", long_text, "prog.py", 56)  # @telemetry-inject
        return len(item) * qty

    @staticmethod
    @_ti_span("Shop.tax", "prog.py", 60, (), True)  # @telemetry-inject
    def tax(v):
        return v // 10


@_ti_span("work", "prog.py", 65, ("x",), True)  # @telemetry-inject
async def work(x):
    await asyncio.sleep(0.01)
    return add(x, x)


@_ti_span("agen", "prog.py", 71, (), True)  # @telemetry-inject
async def agen(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield add(i, 0)


@_ti_span("amain", "prog.py", 78, (), True)  # @telemetry-inject
async def amain():
    r = await asyncio.gather(work(1), asyncio.ensure_future(work(2)))
    out = [x async for x in agen(2)]
    return r, out


@_ti_span("keep", "prog.py", 85, ("obj",), True)  # @telemetry-inject
def keep(obj):
    _ti_var("obj", obj, "prog.py", 86)  # @telemetry-inject
    return 1


@_ti_span("threaded", "prog.py", 90, (), True)  # @telemetry-inject
def threaded():
    return add(7, 7)


@_ti_span("main", "prog.py", 95, (), True)  # @telemetry-inject
def main():
    print("outer", outer(3))
    g = gen(3)
    print(next(g), g.send("hello"))
    print(list(g))
    try:
        boom()
    except ValueError as e:
        print("caught", type(e).__name__, e)
    shop = Shop()
    print("price", shop.price("apple", qty=2), Shop.tax(100))
    ctx = contextvars.copy_context()
    t1 = threading.Thread(target=ctx.run, args=(threaded,))
    t2 = threading.Thread(target=threaded)
    t1.start(); t2.start(); t1.join(); t2.join()
    print("async", asyncio.run(amain()))
    b = Box([1, 2, 3])
    ref = weakref.ref(b)
    keep(b)
    del b
    gc.collect()
    print("collected", ref() is None)


print("kinds", inspect.iscoroutinefunction(work), inspect.isasyncgenfunction(agen),
      inspect.isgeneratorfunction(gen), add.__name__, add.__doc__, inspect.signature(outer))
main()
sys.stdout.flush()
sys.exit(3)

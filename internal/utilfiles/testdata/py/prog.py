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
import traceback
import weakref
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject


class Box:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Box(%r)" % (self.v,)


def add(a, b):
    with __ti_span__("add", "prog.py", 24, ("a", a, "b", b), True):  # @telemetry-inject
        total = a + b
        __ti_var__("total", total, "prog.py", 27)  # @telemetry-inject
        return total


def outer(n, password="hunter2"):
    with __ti_span__("outer", "prog.py", 31, ("n", n, "password", password), True, False, True):  # @telemetry-inject
        s = 0
        __ti_loop__("outer.loop", "prog.py", 34)  # @telemetry-inject
        for i in range(n):
            __ti_tick__("outer.loop")  # @telemetry-inject
            s = add(s, i)
        api_token = "tok-%d" % s
        __ti_mark__("api_token", "prog.py", 39)  # @telemetry-inject
        __ti_val__("api_token", api_token, "prog.py", 40)  # @telemetry-inject
        return s


def gen(n):
    with __ti_span__("gen", "prog.py", 44, ("n", n), True, True):  # @telemetry-inject
        for i in range(n):
            got = yield add(i, 100)
            if got is not None:
                print("gen got", got)
        return "gen done"


def boom():
    with __ti_span__("boom", "prog.py", 53, (), True):  # @telemetry-inject
        raise ValueError("bad thing")


def deep():
    with __ti_span__("deep", "prog.py", 58, (), True):  # @telemetry-inject
        return boom()


class Shop:
    def price(self, item, qty=1):
        with __ti_span__("Shop.price", "prog.py", 64, ("self", self, "item", item), True, False, True):  # @telemetry-inject
            long_text = "x" * 1000
            __ti_val__("long_text", long_text, "prog.py", 67)  # @telemetry-inject
            return len(item) * qty

    @staticmethod
    def tax(v):
        with __ti_span__("Shop.tax", "prog.py", 71, (), True):  # @telemetry-inject
            return v // 10


async def work(x):
    with __ti_span__("work", "prog.py", 76, ("x", x), True):  # @telemetry-inject
        await asyncio.sleep(0.01)
        return add(x, x)


async def agen(n):
    with __ti_span__("agen", "prog.py", 82, (), True, True):  # @telemetry-inject
        for i in range(n):
            await asyncio.sleep(0)
            yield add(i, 0)


async def amain():
    with __ti_span__("amain", "prog.py", 89, (), True):  # @telemetry-inject
        r = await asyncio.gather(work(1), asyncio.ensure_future(work(2)))
        out = [x async for x in agen(2)]
        return r, out


def keep(obj):
    with __ti_span__("keep", "prog.py", 96, ("obj", obj), True):  # @telemetry-inject
        __ti_var__("obj", obj, "prog.py", 98)  # @telemetry-inject
        return 1


def threaded():
    with __ti_span__("threaded", "prog.py", 102, (), True):  # @telemetry-inject
        return add(7, 7)


def main():
    with __ti_span__("main", "prog.py", 107, (), True):  # @telemetry-inject
        print("outer", outer(3))
        g = gen(3)
        print(next(g), g.send("hello"))
        print(list(g))
        try:
            deep()
        except ValueError as e:
            print("caught", type(e).__name__, e)
            print("".join(traceback.format_tb(e.__traceback__)).count("_telemetry_utils"))
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

"""Bursts that must be bounded without losing anything silently: argv[1]
names the case. Prints how many spans it started, so that the test can
check exported + dropped against it."""
import sys
import time
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject


def leaf(i):
    with __ti_span__("leaf", "limits.py", 8, ("i", i), True, False, True):  # @telemetry-inject
        return i


def child(i):
    with __ti_span__("child", "limits.py", 13, ("i", i), True, False, True):  # @telemetry-inject
        return leaf(i) + leaf(i)


def burst(n):
    with __ti_span__("burst", "limits.py", 18, ("n", n), True, False, True):  # @telemetry-inject
        return sum(child(i) for i in range(n))


def chatty(n):
    with __ti_span__("chatty", "limits.py", 23, (), True):  # @telemetry-inject
        __ti_loop__("chatty.loop", "limits.py", 24)  # @telemetry-inject
        for i in range(n):
            __ti_tick__("chatty.loop")  # @telemetry-inject
            if i < 200:
                __ti_var__("i", i, "limits.py", 28)  # @telemetry-inject
        return n


def heavy(i):
    with __ti_span__("heavy", "limits.py", 33, (), True):  # @telemetry-inject
        for j in range(128):
            __ti_val__("a_rather_long_variable_name_to_make_events_big_%d" % j, "v" * 60, "limits.py", 35)  # @telemetry-inject
        return i


def down(n):
    with __ti_span__("down", "limits.py", 41, ("n", n), True):  # @telemetry-inject
        return down(n + 1)


case = sys.argv[1]
if case == "queue":
    print("started", 1 + 3 * 200, burst(200))
elif case == "events":
    print("started", 1, chatty(10000))
elif case == "rate":
    first = sum(leaf(i) for i in range(100))
    time.sleep(1.1)  # the budget refills: about 10 more
    print("started", 200, first + sum(leaf(i) for i in range(100)))
elif case == "sampler":
    print("started", 3 * 1000, sum(child(i) for i in range(1000)))
elif case == "big":
    print("started", 300, sum(heavy(i) for i in range(300)))
elif case == "recursion":
    # Near the recursion limit the runtime's own calls fail: no queue slot
    # may be lost with them, so the queue is empty again once exported.
    for _ in range(20):
        try:
            down(0)
        except RecursionError:
            pass
    import time
    import _telemetry_utils as tu
    while tu._SINK.queue:
        time.sleep(0.01)
    time.sleep(0.2)
    print("started", tu._STATS["exported"] + tu._STATS["dropped"], "held=%d" % tu._SINK.used)

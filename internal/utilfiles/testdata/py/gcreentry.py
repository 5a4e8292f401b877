"""Spans opened by code the garbage collector runs (a finalizer, a gc
callback) while the collector is triggered from inside the runtime's own
ContextVar.set: before Python 3.12 that frees the context's variables under
the set (CPython gh-148891) and crashed the interpreter. argv[1] is the
number of rounds; prints a checksum the plain program prints too."""
import gc
import sys
import time
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject


class Cycle:
    """Garbage only the collector frees, with a finalizer."""

    def __init__(self):
        self.me = self

    def __del__(self):
        with __ti_span__("Cycle.__del__", "gcreentry.py", 18, (), True):  # @telemetry-inject
            FREED.append(1)


FREED = []


def on_gc(phase, info):
    with __ti_span__("on_gc", "gcreentry.py", 26, ("phase", phase, "info", info), True):  # @telemetry-inject
        return None


def work(i):
    with __ti_span__("work", "gcreentry.py", 31, ("i", i), True):  # @telemetry-inject
        Cycle()
        # A varying number of allocations moves where the next collection
        # starts, so that some start inside the runtime's own calls.
        pad = [[] for _ in range(i % 7)]
        return i + len(pad)


def main(rounds):
    with __ti_span__("main", "gcreentry.py", 40, ("rounds", rounds), True):  # @telemetry-inject
        gc.callbacks.append(on_gc)
        gc.set_threshold(2)
        total = sum(work(i) for i in range(rounds))
        gc.set_threshold(700)
        gc.callbacks.remove(on_gc)
        # Another thread (the exporter's) may be collecting right now,
        # and gc.collect() returns at once then.
        for _ in range(500):
            gc.collect()
            if len(FREED) == rounds:
                break
            time.sleep(0.01)
        print(total, len(FREED) == rounds)


if __name__ == "__main__":
    main(int(sys.argv[1]))

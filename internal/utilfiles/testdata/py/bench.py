"""Per-call cost of an instrumented empty function against the plain one.
Prints JSON: wall-clock and CPU (thread) ns per call in the caller, and
process CPU ns per call including the background export, for both
functions. On a shared machine the caller's CPU time is the stable one."""
import json
import os
import sys
import time

# Every call must be exported for the export cost to be measured: no rate
# limit per span name.
os.environ["TELEMETRY_INJECT_SPANS_PER_SECOND"] = "0"
import _telemetry_utils as tu
from _telemetry_utils import __ti_span__  # @telemetry-inject


def plain(a, b):
    pass


def inst(a, b):
    with __ti_span__("empty", "bench.py", 20, ("a", a, "b", b), True):  # @telemetry-inject
        pass


def measure(fn, rounds, per, spans):
    """Calls fn rounds*per times; between rounds, waits for the exporter to
    catch up so that its queue never overflows and its CPU is counted."""
    wall = thread = 0
    done = tu._STATS["exported"] + tu._STATS["dropped"]
    cpu0 = time.process_time_ns()
    for _ in range(rounds):
        start, start_thread = time.perf_counter_ns(), time.thread_time_ns()
        for _ in range(per):
            fn(1, "x")
        wall += time.perf_counter_ns() - start
        thread += time.thread_time_ns() - start_thread
        if spans:
            done += per
            while tu._STATS["exported"] + tu._STATS["dropped"] < done:
                time.sleep(0.0002)
    cpu = time.process_time_ns() - cpu0
    n = rounds * per
    return wall / n, cpu / n, thread / n


def main():
    rounds, per = int(sys.argv[1]), int(sys.argv[2])
    inst(1, "x")
    sink = tu._SINK
    if sink is not None:
        sink.delay = 0.001
        sink._wake()
    measure(plain, 1, per, False)
    measure(inst, 1, per, sink is not None)
    pw, pc, pt = measure(plain, rounds, per, False)
    iw, ic, it = measure(inst, rounds, per, sink is not None)
    print(json.dumps({"plain_wall": pw, "plain_cpu": pc, "inst_wall": iw, "inst_cpu": ic, "plain_thread": pt, "inst_thread": it,
                      "dropped": tu._STATS["dropped"], "errors": tu._STATS["errors"]}))


main()

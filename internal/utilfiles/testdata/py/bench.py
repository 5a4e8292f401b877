"""Per-call cost of an instrumented empty function against the plain one.
Prints JSON: wall-clock ns per call in the caller, and process CPU ns per
call including the background export, for both functions."""
import json
import sys
import time

import _telemetry_utils as tu
from _telemetry_utils import _ti_span  # @telemetry-inject


def plain():
    pass


@_ti_span("empty", "bench.py", 16, (), True)  # @telemetry-inject
def inst():
    pass


def measure(fn, rounds, per, spans):
    """Calls fn rounds*per times; between rounds, waits for the exporter to
    catch up so that its queue never overflows and its CPU is counted."""
    wall = 0
    done = tu._STATS["exported"] + tu._STATS["dropped"]
    cpu0 = time.process_time_ns()
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(per):
            fn()
        wall += time.perf_counter_ns() - start
        if spans:
            done += per
            while tu._STATS["exported"] + tu._STATS["dropped"] < done:
                time.sleep(0.0002)
    cpu = time.process_time_ns() - cpu0
    n = rounds * per
    return wall / n, cpu / n


def main():
    rounds, per = int(sys.argv[1]), int(sys.argv[2])
    inst()
    sink = tu._SINK
    if sink is not None:
        sink.interval = 0.001
    measure(plain, 1, per, False)
    measure(inst, 1, per, sink is not None)
    pw, pc = measure(plain, rounds, per, False)
    iw, ic = measure(inst, rounds, per, sink is not None)
    print(json.dumps({"plain_wall": pw, "plain_cpu": pc, "inst_wall": iw, "inst_cpu": ic,
                      "dropped": tu._STATS["dropped"], "errors": tu._STATS["errors"]}))


main()

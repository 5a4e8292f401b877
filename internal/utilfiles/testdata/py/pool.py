"""Spans from multiprocessing workers and from a child that leaves with
os._exit: neither runs atexit, and a pool's workers are terminated once
their results are in, so each must have written its spans by then."""
import multiprocessing
import os
import sys
from _telemetry_utils import __ti_span__  # @telemetry-inject


def task(i):
    with __ti_span__("task", "pool.py", 10, ("i", i), True, False, True):  # @telemetry-inject
        return i * i


def forked():
    with __ti_span__("forked", "pool.py", 15, (), True):  # @telemetry-inject
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            task(100)
            os._exit(0)
        os.waitpid(pid, 0)


def main(method):
    with __ti_span__("main", "pool.py", 25, (), True):  # @telemetry-inject
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(4) as pool:
            print(sum(pool.map(task, range(50))))
        forked()
    # The parent is not a worker: it must not flush at each root span's end.
    print("child mode", getattr(sys.modules.get("_telemetry_utils"), "_CHILD", False))


if __name__ == "__main__":
    main(sys.argv[1])

"""A pre-forking server in miniature: the parent exports before forking,
the worker exports its own spans from its own exporter, and a span the
parent had open at the fork is exported once, by the parent."""
import _thread
import os
import sys
import time

# Registered before the runtime's hook, so it runs after it: the exporter
# thread must be gone by then, as Python 3.12+ warns on forking with threads.
os.register_at_fork(before=lambda: print("threads at fork", _thread._count(), flush=True))
from _telemetry_utils import __ti_span__  # @telemetry-inject


def before_fork():
    with __ti_span__("before_fork", "fork.py", 15, (), True):  # @telemetry-inject
        return 1


def in_parent():
    with __ti_span__("in_parent", "fork.py", 20, (), True):  # @telemetry-inject
        return 2


def in_child():
    with __ti_span__("in_child", "fork.py", 25, (), True):  # @telemetry-inject
        return 3


def serve():
    with __ti_span__("serve", "fork.py", 30, (), True):  # @telemetry-inject
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            in_child()
            print("child", os.getpid())
            # Leaves serve's span in the child: its copy must not be exported.
            return None
        in_parent()
        return pid


before_fork()
time.sleep(0.3)  # lets the parent's exporter send before_fork (OTEL_BSP_SCHEDULE_DELAY=100)
pid = serve()
if pid is None:
    sys.stdout.flush()
    os._exit(0)
_, status = os.waitpid(pid, 0)
time.sleep(0.3)  # the restarted exporter sends in_parent while the program runs
print("parent", os.getpid())
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0)

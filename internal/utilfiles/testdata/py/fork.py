"""A pre-forking server in miniature: the parent exports before forking,
the worker exports its own spans from its own exporter."""
import os
import sys
import threading
import time

# Registered before the runtime's hook, so it runs after it: the exporter
# thread must be gone by then, as Python 3.12+ warns on forking with threads.
os.register_at_fork(before=lambda: print("threads at fork", threading.active_count(), flush=True))
from _telemetry_utils import _ti_span  # @telemetry-inject


@_ti_span("before_fork", "fork.py", 9, (), True)  # @telemetry-inject
def before_fork():
    return 1


@_ti_span("in_parent", "fork.py", 14, (), True)  # @telemetry-inject
def in_parent():
    return 2


@_ti_span("in_child", "fork.py", 19, (), True)  # @telemetry-inject
def in_child():
    return 3


before_fork()
time.sleep(1.3)  # lets the parent's exporter send before_fork
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    in_child()
    print("child", os.getpid())
    sys.exit(0)
in_parent()
_, status = os.waitpid(pid, 0)
time.sleep(1.3)  # the restarted exporter sends in_parent while the program runs
print("parent", os.getpid())
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0)

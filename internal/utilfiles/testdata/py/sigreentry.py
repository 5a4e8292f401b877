"""An instrumented signal handler that runs every 100 microseconds while
instrumented code opens spans: Python runs a handler between two byte codes
of the main thread, also while the runtime configures itself under its lock
at the first span or holds its queue's lock, and the handler's span takes
the lock again (a plain lock waited for itself for ever). Prints whether
the handler ran, as the plain program does; a hang dumps the stacks and
exits."""
import faulthandler
import signal
import time
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject

HITS = []


def on_alarm(signum, frame):
    with __ti_span__("on_alarm", "sigreentry.py", 14, ("signum", signum), True):  # @telemetry-inject
        HITS.append(signum)


def work(n):
    with __ti_span__("work", "sigreentry.py", 18, ("n", n), True):  # @telemetry-inject
        return n * 2


def main():
    faulthandler.dump_traceback_later(20, exit=True)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.0001, 0.0001)
    total = 0
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        total += work(3)
    signal.setitimer(signal.ITIMER_REAL, 0)
    faulthandler.cancel_dump_traceback_later()
    print("handler ran:", len(HITS) > 0)


if __name__ == "__main__":
    main()

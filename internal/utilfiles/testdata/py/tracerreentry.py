"""A profile function and trace functions of the program's own, all
instrumented, while instrumented code runs under them: the runtime's own
lines and C calls (a lock's release among them) call them back, and a span
they open re-enters the runtime on the same thread. The first span is opened
under a tracer that measures os.py alone, as a coverage tool told to would:
it is called back inside the runtime's configuration, which reads
os.environ. Prints what the other callbacks saw of this file, which the
plain program prints too; a hang dumps the stacks and exits."""
import faulthandler
import sys
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject

SEEN = []


def profiler(frame, event, arg):
    with __ti_span__("profiler", "tracerreentry.py", 15, ("event", event), True):  # @telemetry-inject
        if frame.f_code.co_filename == __file__ and event in ("call", "return"):
            SEEN.append((event, frame.f_code.co_name))


def tracer(frame, event, arg):
    with __ti_span__("tracer", "tracerreentry.py", 20, ("event", event), True):  # @telemetry-inject
        if frame.f_code.co_filename == __file__ and event in ("call", "return"):
            SEEN.append((event, frame.f_code.co_name))
        return tracer


def os_lines(frame, event, arg):
    if frame.f_globals.get("__name__") == "os":
        return os_line
    return None


def os_line(frame, event, arg):
    with __ti_span__("os_line", "tracerreentry.py", 32, ("event", event), True):  # @telemetry-inject
        if event == "line":
            SEEN.append(("os", frame.f_code.co_name))
        return os_line


def work(n):
    with __ti_span__("work", "tracerreentry.py", 38, ("n", n), True):  # @telemetry-inject
        return sum(range(n))


def main():
    faulthandler.dump_traceback_later(20, exit=True)
    sys.settrace(os_lines)
    total = work(5)
    sys.settrace(None)
    # What it saw is not printed: the runtime's own calls into os are
    # among it.
    del SEEN[:]
    sys.setprofile(profiler)
    total = sum(work(i) for i in range(300))
    sys.setprofile(None)
    sys.settrace(tracer)
    total += sum(work(i) for i in range(300))
    sys.settrace(None)
    faulthandler.cancel_dump_traceback_later()
    print(total, len(SEEN), SEEN[:4], SEEN[-4:])


if __name__ == "__main__":
    main()

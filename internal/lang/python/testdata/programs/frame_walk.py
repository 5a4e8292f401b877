"""A logging-like module: the caller is found by walking frames."""
import sys


def find_caller():
    frame = sys._getframe(1)
    while frame.f_code.co_name in ("_log", "info", "warn"):
        frame = frame.f_back
    return frame.f_code.co_name


def _log(level, msg):
    print(level, find_caller(), msg)


def info(msg):
    _log("INFO", msg)


def two_up():
    return sys._getframe(2).f_code.co_name


def middle():
    return two_up()


def user(items):
    total = 0
    for item in items:
        total += item
    info(f"total {total}")
    print(middle())


user([1, 2, 3])

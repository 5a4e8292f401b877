"""A frame walk past its caller climbs through the module's own functions
(as logging's findCaller does), so no function here gets a span."""
import sys


def find_caller():
    f = sys._getframe(1)
    while f.f_back is not None and f.f_code.co_name in ("info", "_log"):
        f = f.f_back
    return f.f_code.co_name


def _log(msg):
    return find_caller(), msg


def info(msg):
    return _log(msg)


def plain(items):
    for i in items:
        last = i
    return items

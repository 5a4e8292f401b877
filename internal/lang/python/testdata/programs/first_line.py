"""Code that counts lines from a function's first line, as CPython's
traceback and exception group tests do: the functions whose
co_firstlineno is read are left alone, so their statements keep their
distance from the def."""
import sys


def get_exception(fn):
    try:
        fn()
    except Exception:
        return sys.exc_info()[2]
    return None


def raises():
    total = 0
    for i in range(3):
        total += i
    raise KeyError(total)


class Checks:
    def call_line(self):
        return 2

    def offsets(self):
        tb = get_exception(raises)
        return tb.tb_next.tb_lineno - raises.__code__.co_firstlineno


def last_line(tb):
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_lineno


CALL_LINE = get_exception.__code__.co_firstlineno + Checks().call_line()
tb = get_exception(raises)
print(tb.tb_lineno - CALL_LINE)
print(last_line(tb) - raises.__code__.co_firstlineno)
print(Checks().offsets())

import inspect
import sys
import warnings


def caller_name():
    return sys._getframe(1).f_code.co_name


def here():
    frame = inspect.currentframe()
    return frame.f_code.co_name


def warn(msg):
    warnings.warn(msg, stacklevel=2)


def nested_inspector():
    def helper():
        return sys._getframe(1)
    return helper()


def plain(x):
    return x

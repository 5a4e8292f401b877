import inspect
import sys
import warnings


def caller_name():
    return sys._getframe(1).f_code.co_name


def current():
    frame = inspect.currentframe()
    return frame.f_back.f_code.co_name


def stack_depth():
    return len(inspect.stack())


def warn(msg):
    warnings.warn(msg, stacklevel=2)


def nested_inspector():
    def helper():
        return sys._getframe(2)
    return helper()


def plain(x):
    return x

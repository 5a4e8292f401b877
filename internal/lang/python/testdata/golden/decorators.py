import functools


def trace(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        return fn(*args, **kwargs)
    return inner


class Shape:
    """A shape."""

    def __init__(self, width, height=1):
        self._width = width
        self.height = height

    @staticmethod
    def unit(scale):
        return Shape(scale, scale)

    @classmethod
    def square(cls, side):
        return cls(side, side)

    @property
    def width(self):
        return self._width

    @width.setter
    def width(self, value):
        self._width = value

    @trace
    # a comment between the decorator and the def
    @functools.lru_cache(maxsize=None)  # trailing comment
    def area(self):
        return self._width * self.height

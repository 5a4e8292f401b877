"""Classes, properties, static and class methods, frames."""
import functools
import inspect
import sys


class Base:
    registry = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Base.registry.append(cls.__name__)

    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"{type(self).__name__}({self.name})"


class Circle(Base):
    """A circle."""

    def __init__(self, name, radius):
        super().__init__(name)
        self._radius = radius

    @property
    def radius(self):
        """The radius."""
        return self._radius

    @radius.setter
    def radius(self, value):
        if value < 0:
            raise ValueError("negative radius")
        self._radius = value

    @staticmethod
    def unit():
        return Circle("unit", 1)

    @classmethod
    def named(cls, name):
        return cls(name, 2)

    @functools.cached_property
    def area(self):
        total = 0.0
        for _ in range(3):
            total += 3.14159 * self._radius ** 2 / 3
        return round(total, 3)

    def __repr__(self):
        return f"Circle({self.name!r}, {self._radius})"


def who_called():
    return sys._getframe(1).f_code.co_name


def caller():
    return who_called()


def main():
    c = Circle.named("c")
    print(c, c.radius, c.area, c.describe())
    c.radius = 5
    print(c.radius, Circle.unit())
    try:
        c.radius = -1
    except ValueError as e:
        print("error:", e)
    print(Base.registry)
    print(Circle.radius.__doc__, Circle.__doc__)
    print(Circle.__init__.__name__, Circle.__init__.__qualname__)
    print(inspect.signature(Circle.named))
    print(caller())
    squares = {}
    for i in range(4):
        squares[i] = i * i
    print(squares)


main()

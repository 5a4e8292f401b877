import typing
from typing import overload


@overload
def parse(x: int) -> int: ...
@overload
def parse(x: str) -> str: ...
def parse(x):
    return x


@typing.overload
def conv(x: int) -> int: ...
def conv(x):
    return x

from __future__ import annotations


def first(x: int) -> int:
    return x

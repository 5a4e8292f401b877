"""Docstring before the future import."""
# A comment.
from __future__ import annotations
from __future__ import (
    division,
)

import sys


def run(argv: list[str]) -> int:
    code = len(argv)
    return code

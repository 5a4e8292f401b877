"""A tiny package."""
from .core import total, classify

"""Module docstring.

With several lines.
"""
import os


def documented(path):
    """Function docstring, which must stay first."""
    base = os.path.basename(path)
    return base


class Documented:
    '''Class docstring.'''

    def method(self):
        r"""Raw docstring."""
        for part in self.parts():
            pass

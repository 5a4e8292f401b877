"""A module black leaves as it is: after black runs over its instrumented
copy, removal must give it back byte for byte."""
import os


def parse_arguments(first_argument, second_argument, *, keyword_only_argument=None):
    """Doc."""
    result = []
    for x in first_argument:
        result.append(x)
    total = len(result) + len(second_argument)
    return result, total


class Reader:
    def __init__(self, path):
        self.path = path

    def lines(self, limit):
        count = 0
        with open(self.path) as fh:
            for line in fh:
                count += 1
                if count > limit:
                    break
                yield line

    def size(self):
        def measure(p):
            return os.path.getsize(p)

        return measure(self.path)

"""Core helpers: every construct the tool instruments, each run by the tests
down every branch, so that coverage is 100% in line and branch mode."""


def total(items):
    acc = 0
    for x in items:
        if x > 0:
            acc += x
    return acc


def classify(n):
    kind = "small"
    if n > 10:
        kind = "big"
    with open(__file__) as f:
        first = f.readline()
    while n > 100:
        n -= 100
    return kind, len(first) > 0, n


def first_even(items):
    found = None
    for x in items:
        if x % 2:
            continue
        found = x
        break
    return found


def parse(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    return value


def refuse(reason):
    raise ValueError(reason)


def countdown(n):
    while n > 0:
        yield n
        n -= 1


class Box:
    def __init__(self, size):
        self.size = size

    def grow(self, by):
        size = self.size + by
        self.size = size
        return size

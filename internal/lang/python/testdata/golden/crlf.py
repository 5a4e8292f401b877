import sys


def crlf(a, b):
    total = a + b
    for i in range(b):
        total += i
    return total

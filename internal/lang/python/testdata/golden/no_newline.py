def last(a):
    x = a
    return x


def tail(a):
    y = a
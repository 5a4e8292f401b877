def strings(a):
    """Doc."""
    # a comment above the first statement stays where it is
    text = """first
  second, indented less than the body
third"""
    call = dict(a=1,
  b=2,
            c=3)
    total = a + \
  1
# a comment at column 0 inside the body
    if total:
        return [x
                for x in text]
    return call


def mixed(b):
    if b:
    	return b
    return None


def nested(c):
    def inner(d):
        """Inner."""
        return d

    for i in range(c):
        def in_loop():
            return i
    return inner(c)


def one_line(e): return e


def formfeed(f):
    x = f
    return x

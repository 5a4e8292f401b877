import inspect
import linecache
import warnings


class ParseError(Exception):
    pass


def numbers(limit):
    n = 0
    while n < limit:
        received = yield n
        if received is not None:
            n = received
        else:
            n += 1
    return "done"


def delegate(limit):
    result = yield from numbers(limit)
    print("delegate got", result)


def parse(text):
    if not text.isdigit():
        raise ParseError(f"not a number: {text!r}")
    return int(text)


def parse_all(items):
    out = []
    for item in items:
        try:
            out.append(parse(item))
        except ParseError as e:
            out.append(str(e))
        finally:
            pass
    return out


def cleanup_order():
    try:
        yield 1
        yield 2
    finally:
        print("generator closed")


def old_api():
    warnings.warn("old", DeprecationWarning, stacklevel=2)
    return 1


def main():
    g = numbers(10)
    print(next(g), g.send(5), next(g))
    g.close()
    print(list(delegate(3)))
    print(parse_all(["1", "x", "3"]))
    c = cleanup_order()
    print(next(c))
    c.close()
    print(inspect.isgeneratorfunction(numbers), inspect.isgeneratorfunction(parse))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_api()
    # The line text, not its number: inserted lines move numbers, but a
    # wrapper frame under stacklevel=2 would point into another file.
    print([(w.category.__name__, linecache.getline(w.filename, w.lineno).strip()) for w in caught])
    try:
        parse("bad")
    except ParseError as e:
        print(type(e).__name__, e)
    evens = [x for x in range(6) if x % 2 == 0]
    print(evens)


main()

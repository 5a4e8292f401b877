# A subscript's "[" or an import's "(" at the end of a line: tree-sitter's
# scanner takes a continuation line left of its statement after it for a
# dedent (there, unlike after "f(" or "[", the bracket cannot close at
# once), so a body whose with blocks would move it that far left gets
# none. Seen in scikit-learn's impute/_knn.py.
def keep(d, s):
    y = d[s][
        :, s
    ]
    return y


def outer(d):
    def inner(s):
        y = d[s][
            :, s
        ]
        z = d.x[
            s]
        return y, z

    return inner


def imports():
    def inner():
        from os import (
        path)
        return path

    return inner


def calls_and_lists(d, s):
    def inner():
        y = f(
            s)
        z = [
            s]
        return y, z

    return inner

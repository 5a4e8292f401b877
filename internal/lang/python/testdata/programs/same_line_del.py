"""Statements that share a line with a del of the name they bind."""


def simple():
    x = 1; pass; del x
    return "x" in locals()


def semicolon_last():
    # a statement list that ends with a semicolon
    x = compute(); del x;
    return "done"


def several():
    a, b = 1, 2; c = a + b; del (a, b)
    return c


def other_name(d):
    # the subscript is deleted, v stays bound and is recorded
    v = d["k"]; del d["k"]
    return v, d


def in_tuple():
    y = 3; z = 4; del z, y
    return sorted(locals())


def compute():
    total = 0
    for i in range(3):
        total += i
    return total


print(simple())
print(semicolon_last())
print(several())
print(other_name({"k": 5, "j": 6}))
print(in_tuple())

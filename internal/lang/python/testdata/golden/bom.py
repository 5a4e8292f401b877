def f(a):
    for x in a: print(x)
    return a

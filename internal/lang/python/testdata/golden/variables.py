def forms(a, b):
    x = 1
    y = z = a
    w: int = 2
    v: int
    x += 1
    p, q = a, b
    (r, s) = a, b
    [t, u] = a, b
    m, *n = [a, b, 3]
    self_attr = obj = None
    d = {}; e = [
        1,
        2,
    ]
    d["k"] = 1
    obj = type("O", (), {})()
    obj.attr = 1
    f = lambda: (g := 1)
    h = [k for k in range(3)]
    s1 = """multi
line"""
    if a:
        inner = 1
    with open(__file__) as fh:
        content = fh.read()
    try:
        r2 = 1
    except Exception:
        r2 = 2
    return x + y

def f(): return 1
def g(x): y = x; return y
async def h(): return 2
class C: pass
def loops(items):
    for x in items: print(x)
    while False: pass
    for x in items: print(x); print(x)
    if items: z = 1
    for x in items: \
        print(x)
    return z

import asyncio


def search(items, target):
    i = 0
    while i < len(items):
        if items[i] == target:
            break
        i += 1
    else:
        i = -1
    for a, b in zip(items, items):
        # comment first in the body
        pass
    for x in items:
        for y in items:
            pass
    return i


async def agen(src):
    async for v in src:
        print(v)


total = 0
for n in range(3):
    total += n
while total > 100: total -= 1

import asyncio


async def fetch(url, timeout=1.0, *rest, retries, **options):
    await asyncio.sleep(0)
    return url


def count(n):
    i = 0
    while i < n:
        yield i
        i += 1


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


def not_a_generator(items):
    def inner():
        yield from items
    key = lambda x: (yield x)
    return sorted(items, key=len)


async def consume(source):
    total = 0
    async for value in source:
        total += value
    return total

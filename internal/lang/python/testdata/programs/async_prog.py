import asyncio
import inspect


async def double(x):
    await asyncio.sleep(0)
    return x * 2


async def countdown(n):
    while n > 0:
        yield n
        await asyncio.sleep(0)
        n -= 1


class Resource:
    async def __aenter__(self):
        print("enter")
        return self

    async def __aexit__(self, *exc):
        print("exit", exc[0].__name__ if exc[0] else None)
        return False


async def failing():
    await asyncio.sleep(0)
    raise RuntimeError("boom")


async def main():
    results = await asyncio.gather(double(1), double(2), double(3))
    print(results)
    seen = []
    async for v in countdown(3):
        seen.append(v)
    print(seen)
    async with Resource() as r:
        print(type(r).__name__)
    try:
        await failing()
    except RuntimeError as e:
        print("caught", e)
    print(inspect.iscoroutinefunction(double), inspect.isasyncgenfunction(countdown))
    print(double.__name__, countdown.__qualname__)


asyncio.run(main())

"""A TaskGroup spawning N children that each await asyncio.sleep(0); prints one JSON line of run times."""
import asyncio
import json
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


async def child():
    await asyncio.sleep(0)


async def main():
    async with asyncio.TaskGroup() as tg:
        for _ in range(N):
            tg.create_task(child())


def run_once():
    start = time.perf_counter()
    asyncio.run(main())
    return (time.perf_counter() - start) * 1000


run_once()
print(json.dumps({"ms": [run_once() for _ in range(5)]}))

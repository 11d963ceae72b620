"""Spawn and join N tasks that each await asyncio.sleep(0); prints one JSON line of run times."""
import asyncio
import json
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000


async def yield_once():
    await asyncio.sleep(0)


async def main():
    tasks = [asyncio.create_task(yield_once()) for _ in range(N)]
    for task in tasks:
        await task


def run_once():
    start = time.perf_counter()
    asyncio.run(main())
    return (time.perf_counter() - start) * 1000


run_once()
print(json.dumps({"ms": [run_once() for _ in range(5)]}))

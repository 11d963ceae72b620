"""One producer and one consumer move N items through asyncio.Queue(maxsize); prints one JSON
line of run times (ms)."""
import asyncio
import json
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
MAXSIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 100


async def producer(queue):
    for i in range(N):
        await queue.put(i)


async def consumer(queue):
    for _ in range(N):
        await queue.get()


async def main():
    queue = asyncio.Queue(MAXSIZE)
    tasks = [asyncio.create_task(producer(queue)), asyncio.create_task(consumer(queue))]
    for task in tasks:
        await task


def run_once():
    start = time.perf_counter()
    asyncio.run(main())
    return (time.perf_counter() - start) * 1000


run_once()
print(json.dumps({"ms": [run_once() for _ in range(5)]}))

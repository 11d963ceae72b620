"""The notes' Lock counter: TASKS tasks each increment a counter N times under
`async with lock`; with "contended", each holds the lock across `await asyncio.sleep(0)`.
Prints one JSON line of run times (ms)."""
import asyncio
import json
import sys
import time

TASKS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CONTENDED = len(sys.argv) > 3 and sys.argv[3] == "contended"

counter = 0


async def increment(lock):
    global counter
    for _ in range(N):
        async with lock:
            if CONTENDED:
                await asyncio.sleep(0)
            counter += 1


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*[increment(lock) for _ in range(TASKS)])


def run_once():
    global counter
    counter = 0
    start = time.perf_counter()
    asyncio.run(main())
    elapsed = (time.perf_counter() - start) * 1000
    assert counter == TASKS * N
    return elapsed


run_once()
print(json.dumps({"ms": [run_once() for _ in range(5)]}))

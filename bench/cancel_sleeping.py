"""Cancel N sleeping asyncio tasks and gather them; prints one JSON line of cancel-phase times."""
import asyncio
import json
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


async def sleeper():
    await asyncio.sleep(3600)


async def main():
    tasks = [asyncio.create_task(sleeper()) for _ in range(N)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    start = time.perf_counter()
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = (time.perf_counter() - start) * 1000
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
    return elapsed


asyncio.run(main())
print(json.dumps({"ms": [asyncio.run(main()) for _ in range(3)]}))

"""gather of N coroutines that each await asyncio.sleep(0) once; prints one JSON line of run times."""
import asyncio
import json
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


async def work():
    await asyncio.sleep(0)
    return 1


async def main():
    results = await asyncio.gather(*[work() for _ in range(N)])
    assert len(results) == N


def run_once():
    start = time.perf_counter()
    asyncio.run(main())
    return (time.perf_counter() - start) * 1000


run_once()
print(json.dumps({"ms": [run_once() for _ in range(5)]}))

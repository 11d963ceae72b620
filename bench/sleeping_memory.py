"""Bytes per task of N concurrently sleeping asyncio tasks (tracemalloc); prints one JSON line."""
import asyncio
import gc
import json
import sys
import tracemalloc

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


async def sleeper():
    await asyncio.sleep(3600)


async def main():
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(sleeper()) for _ in range(N)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return (after - before) / N


print(json.dumps({"bytesPerItem": asyncio.run(main())}))

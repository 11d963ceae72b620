"""Spawn and wait: N children of PROGRAM through asyncio.create_subprocess_exec, at most C at a
time (C workers, each starting a child and awaiting its exit until N have run); prints one JSON
line of run times (ms) and the median children per second."""
import asyncio
import json
import statistics
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
C = int(sys.argv[2]) if len(sys.argv) > 2 else 50
PROGRAM = sys.argv[3] if len(sys.argv) > 3 else "/bin/true"


async def children():
    started = 0

    async def worker():
        nonlocal started
        while started < N:
            started += 1
            process = await asyncio.create_subprocess_exec(PROGRAM)
            status = await process.wait()
            if status != 0:
                raise RuntimeError(f"{PROGRAM} exited with {status}")

    await asyncio.gather(*(worker() for _ in range(C)))


async def main():
    times = []
    for run in range(7):
        start = time.perf_counter()
        await children()
        if run > 1:  # the first two runs warm up
            times.append((time.perf_counter() - start) * 1000)
    return times


ms = asyncio.run(main())
print(json.dumps({"ms": ms, "childrenPerSecond": N / (statistics.median(ms) / 1000)}))
